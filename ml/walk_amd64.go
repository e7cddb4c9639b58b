//go:build !purego

package ml

import "unsafe"

// walkBinned is walkBinnedGo in assembly (walk_amd64.s): the same steps
// without bounds checks, which compile guarantees (every index a node
// holds, and node 0, is valid), and with the lanes unrolled.
func walkBinned(nodes []binNode, words []uint64, bins *[maxBinnedSlots]uint16, idx *[lanes]int32, steps int) {
	walkBinnedAsm(unsafe.SliceData(nodes), unsafe.SliceData(words), bins, idx, steps)
}

//go:noescape
func walkBinnedAsm(nodes *binNode, words *uint64, bins *[maxBinnedSlots]uint16, idx *[lanes]int32, steps int)
