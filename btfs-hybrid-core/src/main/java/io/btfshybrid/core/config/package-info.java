/**
 * The client configuration file (region, tiers, cache, trust root, audit log) as the command line
 * and the engine adapters read it: tiers are built through their {@code StorageTierFactory}.
 */
package io.btfshybrid.core.config;
