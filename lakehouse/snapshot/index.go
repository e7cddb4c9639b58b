package snapshot

import (
	"hash/maphash"
	"math/bits"
)

// keyIndex is an open-addressing hash table from key hashes to row numbers,
// built for the snapshot's millions of keys: flat, pointer-free and probed
// linearly, so most lookups touch one cache line. Rows with equal hashes
// (equal keys or collisions) take separate slots; callers compare keys.
type keyIndex struct {
	slots []slot
	mask  uint64
	n     int
}

type slot struct {
	h   uint64
	idx int32 // row + 1; 0 marks an empty slot
}

// newKeyIndex returns an index sized for n rows at load factor 1/2.
func newKeyIndex(n int) *keyIndex {
	size := 16
	if n > 8 {
		size = 1 << bits.Len(uint(2*n-1))
	}
	return &keyIndex{slots: make([]slot, size), mask: uint64(size - 1)}
}

// find returns the first row with hash h for which eq is true, or -1.
func (t *keyIndex) find(h uint64, eq func(int32) bool) int32 {
	for p := h & t.mask; ; p = (p + 1) & t.mask {
		s := &t.slots[p]
		if s.idx == 0 {
			return -1
		}
		if s.h == h && eq(s.idx-1) {
			return s.idx - 1
		}
	}
}

// warmRows is how many lookups keyIndex.warm prepares at once.
const warmRows = 32

// warm loads the home slots of hashes, independent loads whose cache misses
// the CPU overlaps, so that the lookups that follow hit the cache.
func (t *keyIndex) warm(hashes []uint64) uint64 {
	var sum uint64
	for _, h := range hashes {
		sum += uint64(t.slots[h&t.mask].idx)
	}
	return sum
}

// add stores row idx under hash h, growing the table past load 1/2.
func (t *keyIndex) add(h uint64, idx int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]slot, 2*len(old))
		t.mask = uint64(len(t.slots) - 1)
		for _, s := range old {
			if s.idx != 0 {
				t.put(s)
			}
		}
	}
	t.put(slot{h: h, idx: idx + 1})
	t.n++
}

func (t *keyIndex) put(s slot) {
	p := s.h & t.mask
	for t.slots[p].idx != 0 {
		p = (p + 1) & t.mask
	}
	t.slots[p] = s
}

// hasher hashes key values with a per-run random seed.
type hasher struct {
	seed maphash.Seed
	salt uint64
}

func newHasher() hasher {
	s := maphash.MakeSeed()
	return hasher{seed: s, salt: maphash.String(s, "snapshot")}
}

// mix64 is the murmur3 64-bit finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// combine folds the hash of the next key column into h.
func (hs *hasher) combine(h, v uint64) uint64 {
	return mix64(h ^ (v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)))
}
