//go:build !duckdb_arrow

package benchmarks

// Without the duckdb_arrow build tag the read benchmarks run Opus alone.
var readPeers []readPeer
