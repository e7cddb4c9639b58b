//go:build !amd64 || purego

package ml

// walkBinned advances every lane of idx steps nodes down its tree.
func walkBinned(nodes []binNode, words []uint64, bins *[maxBinnedSlots]uint16, idx *[lanes]int32, steps int) {
	walkBinnedGo(nodes, words, bins, idx, steps)
}
