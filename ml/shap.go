package ml

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// This file implements TreeSHAP: exact, path-dependent SHAP values of a
// tree ensemble (Lundberg, Erion and Lee 2018, "Consistent Individualized
// Feature Attribution for Tree Ensembles", Algorithm 2), as XGBoost's and
// LightGBM's pred_contribs compute them.
//
// The value of a coalition S of features is the path-dependent conditional
// expectation E[f(x) | x_S]: walk the tree from the root; at a split on a
// feature in S follow the branch x takes; at a split on any other feature
// take both branches, weighted by the share of the node's training cover
// (Tree.Hessian) each child received. The attributions are the Shapley
// values of that game; the bias is E[f(x) | x_{}] (the cover-weighted mean
// of the leaf values), so that the attributions and the bias add up to the
// raw score.

// pathElement is one feature on the unique path from the root to the
// current node: the fraction of the "zero" (feature not in S) and "one"
// (feature in S) paths that flow through, and the permutation weight of
// subsets of the path's size.
type pathElement struct {
	feature int32   // split feature, -1 for the root's sentinel
	zero    float64 // fraction of cover flowing through when the feature is absent
	one     float64 // 1 if x follows this path when the feature is present, else 0
	pweight float64 // weight of the subsets of each size (Algorithm 2's w)
}

// coverFractions returns the shares of inner node i's cover that go to its
// left and right children: Hessian[child] / (Hessian[left] +
// Hessian[right]). For a consistent tree (a node's Hessian is the sum of
// its children's) this is XGBoost's Hessian[child] / Hessian[i]. When both
// children have zero (or invalid) Hessian it falls back to the children's
// row counts, then to one half each, so that the shares always add to 1.
func coverFractions(t *Tree, i int) (left, right float64) {
	l, r := t.Left[i], t.Right[i]
	if len(t.Hessian) > 0 {
		hl, hr := t.Hessian[l], t.Hessian[r]
		if s := hl + hr; hl >= 0 && hr >= 0 && s > 0 && !math.IsInf(s, 0) {
			return hl / s, hr / s
		}
	}
	if len(t.Count) > 0 {
		cl, cr := t.Count[l], t.Count[r]
		if cl >= 0 && cr >= 0 && cl+cr > 0 {
			s := float64(cl) + float64(cr)
			return float64(cl) / s, float64(cr) / s
		}
	}
	return 0.5, 0.5
}

// shapTreeStats returns the cover-weighted mean of the leaf values under
// node i (the subtree's expected value) and the subtree's depth. It panics
// if a split reads a feature outside [0, nf).
func shapTreeStats(t *Tree, i int, nf int) (mean float64, depth int) {
	if t.Left[i] < 0 {
		return t.Value[i], 0
	}
	if f := t.Feature[i]; f < 0 || int(f) >= nf {
		panic(fmt.Sprintf("ml: node %d splits on feature %d, the model has %d features", i, f, nf))
	}
	ml, dl := shapTreeStats(t, int(t.Left[i]), nf)
	mr, dr := shapTreeStats(t, int(t.Right[i]), nf)
	fl, fr := coverFractions(t, i)
	return fl*ml + fr*mr, 1 + max(dl, dr)
}

// shapExplainer holds what the attributions of every row share: the
// bias (base score plus each tree's expected value) and the path buffer
// size the deepest tree needs.
type shapExplainer struct {
	m       *Model
	nf      int
	bias    float64
	pathLen int
}

func (m *Model) newShapExplainer() shapExplainer {
	e := shapExplainer{m: m, nf: m.NumFeatures(), bias: m.BaseScore}
	depth := 0
	for ti := range m.numTrees() {
		t := &m.Trees[ti]
		if t.NumNodes() == 0 {
			continue
		}
		mean, d := shapTreeStats(t, 0, e.nf)
		e.bias += mean
		depth = max(depth, d)
	}
	// Recursion level k (k = 0 at the root) holds a path of at most k+1
	// elements, each level's copy after its parent's, as XGBoost lays them
	// out: (depth+2)(depth+3)/2 covers a leaf at depth `depth`.
	e.pathLen = (depth + 2) * (depth + 3) / 2
	return e
}

// explain writes row x's attributions into phi (length nf+1, zeroed by
// the caller) using path (length >= e.pathLen) as scratch.
func (e *shapExplainer) explain(x, phi []float64, path []pathElement) {
	for ti := range e.m.numTrees() {
		t := &e.m.Trees[ti]
		if t.NumNodes() == 0 {
			continue
		}
		s := shapRun{t: t, x: x, phi: phi, path: path}
		s.recurse(0, 0, 0, 1, 1, -1)
	}
	phi[e.nf] = e.bias
}

// shapRun is one tree's TreeSHAP recursion for one row.
type shapRun struct {
	t    *Tree
	x    []float64
	phi  []float64
	path []pathElement
}

// recurse visits node with the parent's unique path in
// s.path[start:start+n], extending it with the split (feature pf) that
// led here, whose zero and one fractions are pz and po. The node's own path
// is s.path[start+n : start+2n+1].
func (s *shapRun) recurse(node, start, n int, pz, po float64, pf int32) {
	t := s.t
	path := s.path[start+n : start+2*n+1]
	copy(path, s.path[start:start+n])
	extendPath(path, n, pz, po, pf)
	u := n // index of the path's last element

	if t.Left[node] < 0 {
		v := t.Value[node]
		for i := 1; i <= u; i++ {
			el := &path[i]
			w := unwoundPathSum(path, u, i)
			s.phi[el.feature] += w * (el.one - el.zero) * v
		}
		return
	}

	f := t.Feature[node]
	fl, fr := coverFractions(t, node)
	hot, cold := int(t.Left[node]), int(t.Right[node])
	hotFrac, coldFrac := fl, fr
	if !t.goesLeft(node, s.x[f]) {
		hot, cold = cold, hot
		hotFrac, coldFrac = coldFrac, hotFrac
	}

	// A feature already on the path is unwound and re-extended here with
	// the product of both splits' fractions.
	inZero, inOne := 1.0, 1.0
	for k := 1; k <= u; k++ {
		if path[k].feature == f {
			inZero, inOne = path[k].zero, path[k].one
			unwindPath(path, u, k)
			u--
			break
		}
	}

	// The path now has u+1 elements; the children's paths start after it.
	// A child through which neither the zero nor the one path flows adds
	// nothing to any coalition; skipping it also keeps unwinding free of
	// divisions by zero.
	if z := hotFrac * inZero; z != 0 || inOne != 0 {
		s.recurse(hot, start+n, u+1, z, inOne, f)
	}
	if z := coldFrac * inZero; z != 0 {
		s.recurse(cold, start+n, u+1, z, 0, f)
	}
}

// extendPath appends the element at index u (the path holds u+1
// elements) and updates the subset-size weights.
func extendPath(p []pathElement, u int, z, o float64, f int32) {
	p[u] = pathElement{feature: f, zero: z, one: o}
	if u == 0 {
		p[u].pweight = 1
	}
	d := float64(u + 1)
	for i := u - 1; i >= 0; i-- {
		p[i+1].pweight += o * p[i].pweight * float64(i+1) / d
		p[i].pweight = z * p[i].pweight * float64(u-i) / d
	}
}

// unwindPath removes element k from the path p[0:u+1], undoing its
// extension.
func unwindPath(p []pathElement, u, k int) {
	o, z := p[k].one, p[k].zero
	next := p[u].pweight
	d := float64(u + 1)
	for i := u - 1; i >= 0; i-- {
		if o != 0 {
			tmp := p[i].pweight
			p[i].pweight = next * d / (float64(i+1) * o)
			next = tmp - p[i].pweight*z*float64(u-i)/d
		} else {
			p[i].pweight = p[i].pweight * d / (z * float64(u-i))
		}
	}
	for i := k; i < u; i++ {
		p[i].feature, p[i].zero, p[i].one = p[i+1].feature, p[i+1].zero, p[i+1].one
	}
}

// unwoundPathSum returns the total permutation weight the path p[0:u+1]
// would have with element k unwound, without modifying it.
func unwoundPathSum(p []pathElement, u, k int) float64 {
	o, z := p[k].one, p[k].zero
	next := p[u].pweight
	d := float64(u + 1)
	total := 0.0
	for i := u - 1; i >= 0; i-- {
		if o != 0 {
			tmp := next * d / (float64(i+1) * o)
			total += tmp
			next = p[i].pweight - tmp*z*float64(u-i)/d
		} else {
			total += p[i].pweight * d / (z * float64(u-i))
		}
	}
	return total
}

// shapPathPool recycles Contributions' path buffers.
var shapPathPool = sync.Pool{New: func() any { return new([]pathElement) }}

// Contributions returns row x's SHAP values in raw-score space: one
// attribution per feature followed by the bias, NumFeatures()+1 values
// whose sum is PredictRaw(x) (up to rounding). x holds one value per
// feature, NaN for missing. The values are stored in out when it has the
// capacity (which avoids allocating), else in a new slice.
//
// The attributions are exact path-dependent TreeSHAP values (Lundberg et
// al. 2018, Algorithm 2; XGBoost's and LightGBM's pred_contribs): the
// Shapley values of the game whose coalition S is worth E[f(x) | x_S],
// computed by following x's branch at splits on features in S and both
// branches, weighted by their share of the node's cover, elsewhere. Cover
// is Tree.Hessian, the sum of the training rows' hessians, as in XGBoost
// (for the l2 objective every hessian is 1, so cover is the row count, as
// LightGBM weighs; for other objectives LightGBM's weights, row counts,
// differ). A child's share is its Hessian over the sum of its and its
// sibling's, which is XGBoost's Hessian[child]/Hessian[node] when a node's
// Hessian is its children's sum (row counts, then halves, stand in where
// both children have zero cover). The bias is BaseScore plus each tree's
// cover-weighted mean leaf value. Only the first BestIteration trees count when it is set, as in
// prediction.
//
// The cost per tree is O(leaves * depth^2). Contributions panics if x has
// fewer than NumFeatures() values or a split reads a feature beyond them.
func (m *Model) Contributions(x []float64, out []float64) []float64 {
	nf := m.NumFeatures()
	if len(x) < nf {
		panic(fmt.Sprintf("ml: contributions: row has %d values, the model reads %d features", len(x), nf))
	}
	if cap(out) >= nf+1 {
		out = out[:nf+1]
		clear(out)
	} else {
		out = make([]float64, nf+1)
	}
	e := m.newShapExplainer()
	bp := shapPathPool.Get().(*[]pathElement)
	if cap(*bp) < e.pathLen {
		*bp = make([]pathElement, e.pathLen)
	}
	e.explain(x, out, (*bp)[:e.pathLen])
	shapPathPool.Put(bp)
	return out
}

// ContributionsBatch returns the SHAP values (see Contributions) of every
// row of x (rows by features): a rows by NumFeatures()+1 matrix whose last
// column is the bias. It works on up to threads goroutines (<= 0 means
// GOMAXPROCS). An x with no rows gives an empty matrix.
func (m *Model) ContributionsBatch(x mat.Matrix, threads int) (*mat.Dense, error) {
	rows, cols := x.Dims()
	nf := m.NumFeatures()
	if cols != nf {
		return nil, fmt.Errorf("ml: contributions: %d columns, the model reads %d features", cols, nf)
	}
	if rows == 0 {
		return &mat.Dense{}, nil
	}
	e := m.newShapExplainer()
	out := mat.NewDense(rows, nf+1, nil)
	dst := out.RawMatrix()
	eachRow(x, threads, func() func(int, []float64) {
		path := make([]pathElement, e.pathLen)
		return func(r int, row []float64) {
			e.explain(row, dst.Data[r*dst.Stride:r*dst.Stride+nf+1], path)
		}
	})
	return out, nil
}
