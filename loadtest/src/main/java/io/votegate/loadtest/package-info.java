/**
 * Load tests of a running Votegate: Gatling simulations for voters and newsrooms, the election simulator and the
 * benchmark. Placeholder until the load-testing issue; see the README's "Load testing" section.
 */
package io.votegate.loadtest;
