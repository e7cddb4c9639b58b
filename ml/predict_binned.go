package ml

import (
	"cmp"
	"maps"
	"math"
	"math/bits"
	"slices"
)

// binnedLayout is the compiled layout that tests bins (see predict.go).
//
// A row's value on a numeric feature becomes its bin: how many of the
// model's distinct thresholds on that feature are at or below it, so that
// x < t holds exactly when the bin is at most t's rank; a missing value
// gets the bin numericMissing. A numeric node's bitset is then a row of a
// shared prefix table: bits 0..rank set, and the missing bin's bit set
// when missing values go left. A categorical value becomes the category
// itself when the feature's nodes list it (0 <= c < categories), the bin
// categories for a value that is no category (missing, negative,
// fractional: the default side, the bit set per node) and categories+1 for
// an unlisted one (always right). A leaf tests bin 0 of an all-zero row.
type binnedLayout struct {
	nodes []binNode
	words []uint64  // bitsets: the zero row, the prefix table, categorical rows
	slots []binSlot // the features the trees split on, by feature
	cuts  []uint64  // numeric slots' sorted distinct thresholds, as orderedKey
	// numericMissing is the bin of a missing numeric value: the last bit
	// of a prefix row, above every rank.
	numericMissing uint16
}

// binNode is a node of binnedLayout: row x goes left when bit b of the
// bitset at words[word:] is set, b being x's bin on the node's slot.
type binNode struct {
	word  uint32
	right int32 // index of the right child (the node itself at a leaf); the left one is next
	slot  uint8
}

// binSlot is one feature the trees split on.
type binSlot struct {
	feature int32
	// categories is, for a categorical feature, one more than the largest
	// category any node lists; -1 for a numeric one.
	categories int32
	// lo and hi locate a numeric feature's thresholds in cuts.
	lo, hi int32
}

// Limits of the binned layout; a model beyond them compiles to the float
// layout. maxBinnedSlots bounds the per-row bins kept on the stack;
// maxBinnedCuts and maxBinnedCategories keep the bitsets small (a prefix
// row for 510 thresholds, 511 bins and the missing bin, is 8 words; a
// categorical row at most 64).
const (
	maxBinnedSlots      = 256
	maxBinnedCuts       = 510
	maxBinnedCategories = 4094 // listed categories are below it
)

// newBinnedLayout lays nodes out; nil when m is beyond the layout's
// limits, or splits one feature both ways, or has a NaN threshold.
func newBinnedLayout(m *Model, nodes []compiledNode) *binnedLayout {
	const numeric, categorical = 1, 2
	kind := map[int32]int{}
	thresholds := map[int32][]float64{}
	categories := map[int32]int32{}
	for _, c := range nodes {
		if c.leaf() {
			continue
		}
		t, i := c.t, c.i
		f := t.Feature[i]
		k := numeric
		if t.Categorical != nil && t.Categorical[i] {
			k = categorical
		}
		if kind[f] != 0 && kind[f] != k {
			return nil
		}
		kind[f] = k
		if k == numeric {
			if math.IsNaN(t.Threshold[i]) {
				return nil
			}
			thresholds[f] = append(thresholds[f], t.Threshold[i])
			continue
		}
		n := categories[f]
		for _, cat := range t.Categories[t.CatStart[i] : t.CatStart[i]+t.CatLen[i]] {
			if cat < 0 || cat >= maxBinnedCategories {
				return nil
			}
			n = max(n, cat+1)
		}
		categories[f] = n
	}
	if len(kind) > maxBinnedSlots {
		return nil
	}

	b := &binnedLayout{nodes: make([]binNode, len(nodes))}
	slotOf := map[int32]uint8{}
	for _, f := range slices.Sorted(maps.Keys(kind)) {
		slotOf[f] = uint8(len(b.slots))
		s := binSlot{feature: f, categories: -1}
		if kind[f] == categorical {
			s.categories = categories[f]
		} else {
			cuts := thresholds[f]
			slices.SortFunc(cuts, cmp.Compare)
			cuts = slices.Compact(cuts)
			if len(cuts) > maxBinnedCuts {
				return nil
			}
			s.lo = int32(len(b.cuts))
			for _, c := range cuts {
				b.cuts = append(b.cuts, orderedKey(c))
			}
			s.hi = int32(len(b.cuts))
		}
		b.slots = append(b.slots, s)
	}

	// The zero row first, as wide as the widest row, then the prefix table
	// (rows 2*rank+defaultLeft), then each categorical node's own row.
	maxCuts := 0
	widest := 1
	for _, s := range b.slots {
		maxCuts = max(maxCuts, int(s.hi-s.lo))
		if s.categories >= 0 {
			widest = max(widest, bitsetWords(int(s.categories)+2))
		}
	}
	// Bins 0..maxCuts, then the missing bin: at least maxCuts+2 bits.
	prefixWords := bitsetWords(maxCuts + 2)
	b.numericMissing = uint16(64*prefixWords - 1)
	widest = max(widest, prefixWords)
	b.words = make([]uint64, widest, widest+2*maxCuts*prefixWords)
	prefix := len(b.words)
	for rank := range maxCuts {
		for defaultLeft := range 2 {
			row := make([]uint64, prefixWords)
			for bit := range rank + 1 {
				row[bit/64] |= 1 << (bit % 64)
			}
			if defaultLeft == 1 {
				row[prefixWords-1] |= 1 << 63
			}
			b.words = append(b.words, row...)
		}
	}

	for at, c := range nodes {
		if c.leaf() {
			b.nodes[at] = binNode{right: int32(at)}
			continue
		}
		t, i := c.t, c.i
		slot := slotOf[t.Feature[i]]
		s := b.slots[slot]
		n := binNode{slot: slot, right: c.right}
		if s.categories < 0 {
			cuts := b.cuts[s.lo:s.hi]
			rank, _ := slices.BinarySearch(cuts, orderedKey(t.Threshold[i]))
			row := 2 * rank
			if t.DefaultLeft[i] {
				row++
			}
			n.word = uint32(prefix + row*prefixWords)
		} else {
			n.word = uint32(len(b.words))
			row := make([]uint64, bitsetWords(int(s.categories)+2))
			for _, cat := range t.Categories[t.CatStart[i] : t.CatStart[i]+t.CatLen[i]] {
				row[cat/64] |= 1 << (cat % 64)
			}
			if t.DefaultLeft[i] {
				row[s.categories/64] |= 1 << (s.categories % 64)
			}
			b.words = append(b.words, row...)
		}
		b.nodes[at] = n
	}
	if uint64(len(b.words)) > math.MaxUint32 {
		return nil
	}
	return b
}

// orderedKey maps a float64 other than NaN to a uint64 of the same order:
// a <= b exactly when orderedKey(a) <= orderedKey(b), -0 and +0 alike.
func orderedKey(v float64) uint64 {
	k := int64(math.Float64bits(v + 0)) // v + 0 turns -0 into +0
	k ^= k >> 63 & math.MaxInt64        // negatives: larger magnitude, smaller
	return uint64(k) ^ 1<<63            // signed order to unsigned
}

// bitsetWords is the number of words a bitset of n bits takes.
func bitsetWords(n int) int { return (n + 63) / 64 }

// binRow writes x's bin on every slot to bins.
func (b *binnedLayout) binRow(x []float64, bins []uint16) {
	for s := range b.slots {
		sl := &b.slots[s]
		v := x[sl.feature]
		if sl.categories >= 0 {
			// As Tree.goesLeft: a category is a non-negative integral value
			// within int32.
			c := int32(v)
			switch {
			case !(v >= 0 && v <= math.MaxInt32 && float64(c) == v):
				bins[s] = uint16(sl.categories)
			case c < sl.categories:
				bins[s] = uint16(c)
			default:
				bins[s] = uint16(sl.categories + 1)
			}
			continue
		}
		if v != v {
			bins[s] = b.numericMissing
			continue
		}
		// How many cuts are at or below v: a binary search without
		// branches on the data, which the processor could not predict:
		// the borrow of key - cut (1 when v < cut) masks the step.
		cuts := b.cuts[sl.lo:sl.hi]
		key := orderedKey(v)
		base, n := uint(0), uint(len(cuts))
		for n > 1 {
			half := n >> 1
			_, below := bits.Sub64(key, cuts[base+half], 0)
			base += half & uint(below-1)
			n -= half
		}
		_, below := bits.Sub64(key, cuts[base], 0)
		base += uint(1 - below)
		bins[s] = uint16(base)
	}
}

// raw sums the first trees trees' outputs for x, in tree order.
func (b *binnedLayout) raw(p *predictor, x []float64, trees int) float64 {
	return b.rawWalk(p, x, trees, false)
}

// rawWalk is raw walking with walkBinnedGo when portable, walkBinned
// otherwise (tests compare the two).
func (b *binnedLayout) rawWalk(p *predictor, x []float64, trees int, portable bool) float64 {
	var bins [maxBinnedSlots]uint16 // indexed by a uint8 slot
	b.binRow(x, bins[:])
	s := 0.0
	for g := 0; g*lanes < trees; g++ {
		// Lanes past the last tree walk tree 0's nodes from node 0,
		// harmlessly: every index stays valid.
		var idx [lanes]int32
		k := copy(idx[:], p.roots[g*lanes:trees])
		if portable {
			walkBinnedGo(b.nodes, b.words, &bins, &idx, int(p.depth[g]))
		} else {
			walkBinned(b.nodes, b.words, &bins, &idx, int(p.depth[g]))
		}
		for _, i := range idx[:k] {
			s += p.leaf[i]
		}
	}
	return s
}

// walkBinnedGo advances every lane of idx steps nodes down its tree: the
// portable walk, and the reference the assembly one is tested against.
func walkBinnedGo(nodes []binNode, words []uint64, bins *[maxBinnedSlots]uint16, idx *[lanes]int32, steps int) {
	for range steps {
		for l, i := range idx {
			n := &nodes[i]
			bin := uint(bins[n.slot])
			next := n.right
			if words[uint(n.word)+bin/64]&(1<<(bin&63)) != 0 {
				next = i + 1
			}
			idx[l] = next
		}
	}
}
