package io.btfshybrid.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Reads the small XML documents S3 answers with; no DTDs, no external entities. */
final class S3Xml {
  private static final DocumentBuilderFactory FACTORY = newFactory();

  private S3Xml() {}

  /** The root element of {@code xml}, or an {@link IOException} naming what was wrong. */
  static Element parse(byte[] xml) throws IOException {
    try {
      DocumentBuilder builder;
      synchronized (FACTORY) {
        builder = FACTORY.newDocumentBuilder();
      }
      builder.setErrorHandler(null);
      return builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
    } catch (SAXException | ParserConfigurationException e) {
      throw new IOException("malformed XML from S3: " + e.getMessage(), e);
    }
  }

  /** The text of the first direct child named {@code name}. */
  static Optional<String> childText(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element child && name.equals(localName(child))) {
        return Optional.of(child.getTextContent());
      }
    }
    return Optional.empty();
  }

  /** Every direct child named {@code name}. */
  static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element child && name.equals(localName(child))) {
        found.add(child);
      }
    }
    return found;
  }

  static String localName(Element element) {
    return element.getLocalName() != null ? element.getLocalName() : element.getTagName();
  }

  private static DocumentBuilderFactory newFactory() {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setExpandEntityReferences(false);
    factory.setXIncludeAware(false);
    try {
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK XML parser refused secure processing", e);
    }
    return factory;
  }
}
