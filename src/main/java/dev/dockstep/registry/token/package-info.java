/**
 * The practice registry's token server, as the distribution registry's token authentication
 * expects one: a key and self-signed certificate kept in the data folder, JWTs signed with it,
 * the access rules that decide what each token grants, and the small HTTP listener the registry
 * sends clients to. It depends on no other dockstep package: the sandbox starts it beside the
 * registry, and accounts, access tokens and repositories come in through {@link
 * dev.dockstep.registry.token.Directory}.
 */
package dev.dockstep.registry.token;
