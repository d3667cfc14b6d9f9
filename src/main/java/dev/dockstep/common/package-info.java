/**
 * Small helpers every feature uses and none owns: messages from exceptions, hex digests, random
 * tokens. Nothing here depends on any other part of dockstep.
 */
package dev.dockstep.common;
