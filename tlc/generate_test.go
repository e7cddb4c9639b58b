package tlc

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestGenerateDeterminism(t *testing.T) {
	tests := []struct {
		kind        Kind
		year, month int
		ext         string
	}{
		{Yellow, 2009, 3, ".parquet"},
		{Yellow, 2010, 2, ".csv"},
		{Yellow, 2024, 1, ".parquet"},
		{Yellow, 2025, 2, ".csv"},
		{Green, 2020, 4, ".parquet"},
		{FHV, 2019, 6, ".parquet"},
		{FHVHV, 2025, 1, ".csv"},
	}
	dir := t.TempDir()
	ctx := context.Background()
	for _, tt := range tests {
		file := func(name string, seed uint64) []byte {
			path := filepath.Join(dir, name+tt.ext)
			cfg := GenerateConfig{Kind: tt.kind, Year: tt.year, Month: tt.month, Rows: 3000, Seed: seed,
				DefectRate: 0.05, BatchRows: 1000}
			if _, err := GenerateFile(ctx, cfg, path); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		a, b, c := file("a", 1), file("b", 1), file("c", 2)
		if !bytes.Equal(a, b) {
			t.Errorf("%s %d-%02d%s: the same seed gave different files", tt.kind, tt.year, tt.month, tt.ext)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s %d-%02d%s: different seeds gave the same file", tt.kind, tt.year, tt.month, tt.ext)
		}
	}
}

func TestGenerateConfigErrors(t *testing.T) {
	tests := []GenerateConfig{
		{Kind: "taxi", Year: 2020, Month: 1},
		{Kind: Yellow, Year: 2008, Month: 12},
		{Kind: FHVHV, Year: 2019, Month: 1},
		{Kind: Green, Year: 2020, Month: 0},
		{Kind: Green, Year: 2020, Month: 1, Rows: -1},
		{Kind: Green, Year: 2020, Month: 1, DefectRate: 1.5},
		{Kind: Green, Year: 2020, Month: 1, DefectRate: math.NaN()},
	}
	for _, cfg := range tests {
		if _, err := NewGenerator(cfg); err == nil {
			t.Errorf("NewGenerator(%+v) succeeded", cfg)
		}
	}
	path := filepath.Join(t.TempDir(), "x.parquet")
	_, err := GenerateFile(context.Background(), GenerateConfig{Kind: Green, Year: 2020, Month: 1, Layout: "yellow-2011"}, path)
	if err == nil {
		t.Error("GenerateFile wrote green trips in a yellow layout")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a failed GenerateFile left its file")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := GenerateFile(ctx, GenerateConfig{Kind: Green, Year: 2020, Month: 1, Rows: 10}, path); err == nil {
		t.Error("GenerateFile ignored a cancelled context")
	}
	g, _ := NewGenerator(GenerateConfig{Kind: Green, Year: 2020, Month: 1, Rows: 10})
	if _, err := AppendTrips[YellowTrip](g, nil, 10); err == nil {
		t.Error("AppendTrips made yellow rows from a green generator")
	}
}

// taxiView is what the defect test inspects of a yellow or green row.
type taxiView struct {
	pickup, dropoff time.Time
	pu, do          int32
	paxNull         bool
	fare, distance  float64
}

// TestGenerateDefectCounts recounts every injected defect in the rows and
// compares with GenerateStats.
func TestGenerateDefectCounts(t *testing.T) {
	const rows, rate = 40_000, 0.1
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			cfg := GenerateConfig{Kind: k, Year: 2024, Month: 2, Rows: rows, Seed: 3, DefectRate: rate}
			g, err := NewGenerator(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var views []taxiView
			var same int
			switch k {
			case Yellow:
				trips, _ := AppendTrips[YellowTrip](g, nil, rows)
				same = countRepeats(trips)
				for _, r := range trips {
					views = append(views, taxiView{r.PickupDatetime, r.DropoffDatetime, r.PULocationID.V, r.DOLocationID.V, !r.PassengerCount.Valid, r.FareAmount, r.TripDistance})
				}
			case Green:
				trips, _ := AppendTrips[GreenTrip](g, nil, rows)
				same = countRepeats(trips)
				for _, r := range trips {
					views = append(views, taxiView{r.PickupDatetime, r.DropoffDatetime, r.PULocationID.V, r.DOLocationID.V, !r.PassengerCount.Valid, r.FareAmount, r.TripDistance})
				}
			case FHV:
				trips, _ := AppendTrips[FHVTrip](g, nil, rows)
				same = countRepeats(trips)
				for _, r := range trips {
					views = append(views, taxiView{r.PickupDatetime, r.DropoffDatetime, r.PULocationID.V, r.DOLocationID.V, !r.PULocationID.Valid, 1, 1})
				}
			case FHVHV:
				trips, _ := AppendTrips[FHVHVTrip](g, nil, rows)
				same = countRepeats(trips)
				for _, r := range trips {
					views = append(views, taxiView{r.PickupDatetime, r.DropoffDatetime, r.PULocationID.V, r.DOLocationID.V, math.IsNaN(r.TripMiles), r.BasePassengerFare, r.TripMiles})
				}
			}
			st := g.Stats()
			if st.Rows != rows {
				t.Errorf("Stats().Rows = %d, want %d", st.Rows, rows)
			}
			if got := float64(st.DefectRows()) / rows; math.Abs(got-rate) > 0.01 {
				t.Errorf("defect share %.3f, want %.2f", got, rate)
			}
			got := map[Defect]int{DefectDuplicate: same}
			start, end := Month{2024, 2}.Start(), Month{2024, 3}.Start()
			for i, v := range views {
				if i > 0 && fmt.Sprint(v) == fmt.Sprint(views[i-1]) {
					continue // a duplicate repeats the row before, defect and all
				}
				switch {
				case v.paxNull:
					got[DefectNull]++
				case v.fare < 0:
					got[DefectNegativeFare]++
				case v.distance == 0:
					got[DefectZeroDistance]++
				case v.dropoff.Before(v.pickup):
					got[DefectDropoffBeforePickup]++
				case v.pu < 1 || v.pu > 265 || v.do < 1 || v.do > 265:
					got[DefectLocationOutOfRange]++
				case v.pickup.Before(start) || !v.pickup.Before(end):
					got[DefectOutsideMonth]++
				}
			}
			for _, d := range AllDefects() {
				if got[d] != st.Defects[d] {
					t.Errorf("%s: counted %d, Stats says %d", d, got[d], st.Defects[d])
				}
			}
			if k == FHV && st.Defects[DefectNegativeFare]+st.Defects[DefectZeroDistance] > 0 {
				t.Error("fhv trips have no fare or distance to break")
			}
		})
	}
}

// countRepeats counts the rows equal to the row before. It compares the
// printed rows, because NaN (a null float) is not equal to itself.
func countRepeats[T any](rows []T) int {
	n := 0
	for i := 1; i < len(rows); i++ {
		if fmt.Sprint(rows[i]) == fmt.Sprint(rows[i-1]) {
			n++
		}
	}
	return n
}

// TestGenerateFractionalPassengers checks that GenerateFile writes the
// counted 1.5-style passenger counts where the layout allows them.
func TestGenerateFractionalPassengers(t *testing.T) {
	tests := []struct {
		name  string
		cfg   GenerateConfig
		float bool // fractional counts possible
	}{
		{"yellow-2023 csv", GenerateConfig{Kind: Yellow, Year: 2024, Month: 1}, true},
		{"yellow-2011 csv", GenerateConfig{Kind: Yellow, Year: 2019, Month: 5}, true},
		{"green-2014 csv", GenerateConfig{Kind: Green, Year: 2019, Month: 5}, true},
		{"fhvhv csv", GenerateConfig{Kind: FHVHV, Year: 2021, Month: 5}, false},
	}
	for _, tt := range tests {
		cfg := tt.cfg
		cfg.Rows, cfg.Seed, cfg.DefectRate, cfg.BatchRows = 20_000, 5, 0.2, 3000
		path := filepath.Join(t.TempDir(), "trips.csv")
		st, err := GenerateFile(context.Background(), cfg, path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		header := strings.Split(lines[0], ",")
		col := -1
		for i, h := range header {
			if strings.EqualFold(h, "passenger_count") {
				col = i
			}
		}
		n := 0
		for _, line := range lines[1:] {
			if f := strings.Split(line, ","); col >= 0 && strings.HasSuffix(f[col], ".5") {
				n++
			}
		}
		// A duplicate of a fractional row repeats it.
		want := st.Defects[DefectFractionalPassengers]
		if n < want || n > want+want/5+2 {
			t.Errorf("%s: %d fractional counts in the file, %d injected", tt.name, n, want)
		}
		if tt.float != (want > 0) {
			t.Errorf("%s: %d fractional counts injected, want some: %v", tt.name, want, tt.float)
		}
	}
}

// TestGenerateRealism checks the rate card and the shares that the
// calibration does not cover.
func TestGenerateRealism(t *testing.T) {
	g, _ := NewGenerator(GenerateConfig{Kind: Yellow, Year: 2024, Month: 3, Rows: 50_000, Seed: 9})
	trips, _ := AppendTrips[YellowTrip](g, nil, 50_000)
	var credit, cash, jfk, tipped int
	for _, r := range trips {
		sum := r.FareAmount + r.Extra + r.MTATax + r.TipAmount + r.TollsAmount + r.ImprovementSurcharge +
			r.CongestionSurcharge + r.AirportFee
		if math.Abs(sum-r.TotalAmount) > 0.011 {
			t.Fatalf("total %.2f is not the sum of its parts %.2f: %+v", r.TotalAmount, sum, r)
		}
		if r.AirportFee != 0 && r.AirportFee != 1.75 || (r.AirportFee == 1.75) != (r.PULocationID.V == 132 || r.PULocationID.V == 138) {
			t.Fatalf("airport fee %.2f for a pick-up in zone %d", r.AirportFee, r.PULocationID.V)
		}
		if r.RatecodeID.V == 2 {
			jfk++
			if r.FareAmount != 70 {
				t.Fatalf("JFK flat fare %.2f, want 70", r.FareAmount)
			}
		}
		if r.MTATax != 0.5 || r.ImprovementSurcharge != 1 || r.FareAmount < 3 || !r.DropoffDatetime.After(r.PickupDatetime) {
			t.Fatalf("implausible trip %+v", r)
		}
		if !math.IsNaN(r.CBDCongestionFee) {
			t.Fatalf("cbd_congestion_fee %.2f before 2025", r.CBDCongestionFee)
		}
		switch r.PaymentType.V {
		case 1:
			credit++
			if r.TipAmount > 0 {
				tipped++
			}
		case 2:
			cash++
			if r.TipAmount != 0 {
				t.Fatalf("a cash trip with a tip: %+v", r)
			}
		}
	}
	n := float64(len(trips))
	if s := float64(credit) / n; s < 0.75 || s > 0.88 {
		t.Errorf("credit share %.2f, want about 0.8", s)
	}
	if s := float64(tipped) / float64(credit); s < 0.88 || s > 0.96 {
		t.Errorf("tipped share of card trips %.2f, want 0.88-0.96", s)
	}
	if jfk == 0 {
		t.Error("no JFK flat-fare trip")
	}

	h, _ := NewGenerator(GenerateConfig{Kind: FHVHV, Year: 2020, Month: 4, Rows: 20_000, Seed: 9})
	hv, _ := AppendTrips[FHVHVTrip](h, nil, 20_000)
	var uber int
	for _, r := range hv {
		if r.HVFHSLicenseNum == "HV0003" {
			uber++
		}
		if !r.RequestDatetime.Before(r.PickupDatetime) || r.TripTime.V != int64(r.DropoffDatetime.Sub(r.PickupDatetime)/time.Second) ||
			math.Abs(r.SalesTax-r.BasePassengerFare*0.08875) > 0.006 || math.Abs(r.BCF-r.BasePassengerFare*0.025) > 0.006 {
			t.Fatalf("implausible fhvhv trip %+v", r)
		}
	}
	if s := float64(uber) / float64(len(hv)); s < 0.65 || s > 0.78 {
		t.Errorf("HV0003 share %.2f, want about 0.7", s)
	}
}

// TestGeneratedFilesReadBack writes every layout as Parquet and CSV and
// reads it back with Open: the canonical columns the layout carries come
// back as generated, the others null.
func TestGeneratedFilesReadBack(t *testing.T) {
	ctx := context.Background()
	for _, l := range Layouts() {
		for _, ext := range []string{".parquet", ".csv"} {
			t.Run(l.Name+ext, func(t *testing.T) {
				m := layoutMonth(l)
				cfg := GenerateConfig{Kind: l.Kind, Year: m.Year, Month: int(m.Month), Rows: 500, Seed: 11, Layout: l.Name}
				path := filepath.Join(t.TempDir(), string(l.Kind)+"_tripdata"+ext)
				if _, err := GenerateFile(ctx, cfg, path); err != nil {
					t.Fatal(err)
				}
				g, _ := NewGenerator(cfg)
				want := g.Next(memory.DefaultAllocator, 500)
				defer want.Release()
				r, err := Open(ctx, path, ReadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if !r.Next() {
					t.Fatalf("no batch: %v", r.Err())
				}
				got := r.RecordBatch()
				if got.NumRows() != 500 || len(r.Problems()) > 0 {
					t.Fatalf("read %d rows with problems %v", got.NumRows(), r.Problems())
				}
				inLayout := map[string]bool{}
				for _, c := range l.Columns {
					inLayout[c.Canonical] = true
				}
				for i, f := range want.Schema().Fields() {
					idx := got.Schema().FieldIndices(f.Name)
					if len(idx) != 1 {
						t.Fatalf("read batch has no column %s", f.Name)
					}
					gc := got.Column(idx[0])
					switch equal := array.Equal(want.Column(i), gc); {
					case inLayout[f.Name] && !equal:
						t.Errorf("%s differs:\nwrote %v\nread  %v", f.Name, head(want.Column(i).String()), head(gc.String()))
					case !inLayout[f.Name] && gc.NullN() != gc.Len():
						t.Errorf("%s is not in the layout but reads as %v", f.Name, head(gc.String()))
					}
				}
			})
		}
	}
}

func head(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
