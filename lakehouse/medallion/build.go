package medallion

import (
	"context"
	"fmt"
	"time"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

// BuildOptions configure Build.
type BuildOptions struct {
	// Month is the month to build.
	Month tlc.Month
	// Kinds are the trip kinds whose files of Month go to silver; empty
	// means SilverKinds. A kind without a bronze table is skipped.
	Kinds []tlc.Kind
	// Zones maps zones to boroughs in the gold marts (nil: no borough).
	Zones *tlc.Zones
	// BronzeNamespace, SilverNamespace and GoldNamespace name the layers'
	// namespaces; empty means the defaults.
	BronzeNamespace, SilverNamespace, GoldNamespace string
	// Now is the build time (zero: time.Now()).
	Now time.Time
}

// BuildResult describes one Build.
type BuildResult struct {
	// Silver holds each kind's silver build.
	Silver map[tlc.Kind]SilverResult
	// Gold is the month's gold build.
	Gold GoldResult
}

// Build runs silver for the bronze files of Month of every kind (the names
// MonthFiles gives), then gold for Month. Every step replaces what an
// earlier build of the same month wrote, so Build is idempotent and a
// failed Build is completed by running it again.
func Build(ctx context.Context, w *lakehouse.Warehouse, opts BuildOptions) (BuildResult, error) {
	res := BuildResult{Silver: map[tlc.Kind]SilverResult{}}
	kinds := opts.Kinds
	if len(kinds) == 0 {
		kinds = SilverKinds[:]
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	batchID := newBatchID(now.UTC())
	for _, k := range kinds {
		if ok, err := w.TableExists(ctx, BronzeTable(opts.BronzeNamespace, k)); err != nil {
			return res, err
		} else if !ok {
			continue // no file of this kind was ever ingested
		}
		s, err := BuildSilver(ctx, w, SilverOptions{Kind: k, SourceFiles: MonthFiles(k, opts.Month),
			BronzeNamespace: opts.BronzeNamespace, Namespace: opts.SilverNamespace, Now: now, BatchID: batchID})
		res.Silver[k] = s
		if err != nil {
			return res, err
		}
	}
	g, err := BuildGold(ctx, w, GoldOptions{Month: opts.Month, SilverNamespace: opts.SilverNamespace,
		Namespace: opts.GoldNamespace, Zones: opts.Zones})
	res.Gold = g
	if err != nil {
		return res, fmt.Errorf("medallion: build of %s: %w", opts.Month, err)
	}
	return res, nil
}
