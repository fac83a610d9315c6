// Command orchex measures exposed container-orchestration and
// API-management admin panels from Shodan and Censys data.
package main
