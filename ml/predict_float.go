package ml

import "math"

// floatLayout is the compiled layout that compares a row's raw values:
// 16 bytes a node (200 trees of 511 nodes fit a 2 MB L2 cache).
type floatLayout struct {
	nodes []floatNode
	bits  []uint64 // categorical splits' left categories, as bitsets
}

// floatNode is a node of floatLayout.
type floatNode struct {
	// value is a numeric split's threshold (-Inf at a leaf, so that no
	// value goes left); a categorical split keeps the start and length of
	// its bitset in floatLayout.bits in its bits (packSpan).
	value   float64
	right   int32 // index of the right child (the node itself at a leaf); the left one is next
	feature int16 // 0 at a leaf
	flags   uint8
}

const (
	nodeDefaultLeft = 1 << iota
	nodeCategorical
)

// Limits of the float layout; a model beyond them is not compiled (it
// predicts by walking its Tree arrays): maxFloatFeature is the largest
// feature index floatNode can hold, maxFloatCategory the largest category
// a bitset is kept for (a category set's bitset spans 0 to its largest
// category: 128 KiB at the limit).
const (
	maxFloatFeature  = math.MaxInt16
	maxFloatCategory = 1<<20 - 1
)

// newFloatLayout lays nodes out; nil when m is beyond the layout's limits.
func newFloatLayout(m *Model, nodes []compiledNode) *floatLayout {
	f := &floatLayout{nodes: make([]floatNode, len(nodes))}
	for at, c := range nodes {
		if c.leaf() {
			f.nodes[at] = floatNode{value: math.Inf(-1), right: int32(at)}
			continue
		}
		t, i := c.t, c.i
		if t.Feature[i] < 0 || t.Feature[i] > maxFloatFeature {
			return nil
		}
		n := floatNode{feature: int16(t.Feature[i]), value: t.Threshold[i], right: c.right}
		if t.DefaultLeft[i] {
			n.flags |= nodeDefaultLeft
		}
		if t.Categorical != nil && t.Categorical[i] {
			n.flags |= nodeCategorical
			cats := t.Categories[t.CatStart[i] : t.CatStart[i]+t.CatLen[i]]
			words := int32(0)
			for _, c := range cats {
				if c < 0 || c > maxFloatCategory {
					return nil
				}
				words = max(words, c/64+1)
			}
			start := int32(len(f.bits))
			f.bits = append(f.bits, make([]uint64, words)...)
			for _, c := range cats {
				f.bits[start+c/64] |= 1 << (c % 64)
			}
			n.value = packSpan(start, words)
		}
		f.nodes[at] = n
	}
	return f
}

// packSpan packs a bitset's start and length into a float64's bits.
func packSpan(start, n int32) float64 {
	return math.Float64frombits(uint64(uint32(start))<<32 | uint64(uint32(n)))
}

// raw sums the first trees trees' outputs for x, in tree order.
func (f *floatLayout) raw(p *predictor, x []float64, trees int) float64 {
	hasNaN := false
	for _, v := range x {
		hasNaN = hasNaN || v != v
	}
	s := 0.0
	nodes, bits := f.nodes, f.bits
	for g := 0; g*lanes < trees; g++ {
		var idx [lanes]int32
		k := copy(idx[:], p.roots[g*lanes:trees])
		for range p.depth[g] {
			for l := range k {
				i := idx[l]
				n := &nodes[i]
				v := x[n.feature]
				var left bool
				switch {
				case n.flags&nodeCategorical != 0:
					// Inlined by hand: a call here costs more than the test.
					// As Tree.goesLeft: a value that is not a category (NaN,
					// negative, fractional, beyond int32) takes the default
					// side; categories beyond the bitset go right.
					c := int64(v)
					b := math.Float64bits(n.value)
					start, words := int64(uint32(b>>32)), int64(uint32(b))
					if v >= 0 && v <= math.MaxInt32 && float64(c) == v { // false for NaN
						left = c < words*64 && bits[start+c/64]>>(c%64)&1 != 0
					} else {
						left = n.flags&nodeDefaultLeft != 0
					}
				case hasNaN && v != v:
					left = n.flags&nodeDefaultLeft != 0
				default:
					left = v < n.value
				}
				next := n.right
				if left {
					next = i + 1
				}
				idx[l] = next
			}
		}
		for l := range k {
			s += p.leaf[idx[l]]
		}
	}
	return s
}
