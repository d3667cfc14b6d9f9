/**
 * What makes the practice registry behave like Docker Hub, on top of its token server
 * ({@link dev.dockstep.registry.token}): personal access tokens, repositories with an owner and
 * a visibility, the logins the token server checks (a dockstep password or an access token), and
 * the views of the repository pages. Everything is kept in the progress database.
 */
package dev.dockstep.registry;
