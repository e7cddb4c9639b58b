package benchmarks

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/ml"
	"github.com/magnumopus/opus/tlc"
)

// The trip-duration table of BenchmarkTrainGBM: gbmRows generated yellow
// trips of 2024, gbmPerMonth generated per month before the filters, the
// first gbmTrainRows (after a seeded shuffle) for training, the rest for
// testing.
const (
	gbmRows      = 1_000_000
	gbmTrainRows = 800_000
	gbmPerMonth  = 95_000
	gbmSeed      = 2024
	gbmYear      = 2024
	gbmThreads   = 2
	gbmRounds    = 200
	gbmDepth     = 8
	gbmLeaves    = 255
	gbmRate      = 0.1
	// gbmPredictRows is how many single-row predictions Opus times (the
	// median is reported); the Python peers time gbmPeerPredictRows.
	gbmPredictRows     = 10_000
	gbmPeerPredictRows = 1_000
	gbmPredictPasses   = 5
)

// gbmFeatures are the table's feature columns, in order; the target,
// gbmTarget, is the last CSV column. Zones (4 and 5) are the categorical
// features of the categorical variants.
var (
	gbmFeatures = []string{"pickup_hour", "pickup_day_of_week", "pickup_month", "is_weekend",
		"pu_location_id", "do_location_id", "trip_distance", "passenger_count", "vendor_id", "ratecode_id"}
	gbmZones = []int{4, 5}
)

const gbmTarget = "duration_seconds"

// BenchmarkTrainGBM trains gradient-boosted trees on a 1-million-row
// trip-duration table (80/20 split) with Opus (package ml) and with
// XGBoost 1.7 hist and scikit-learn's HistGradientBoostingRegressor
// (peers/train_peers.py, Debian's python3-xgboost and python3-sklearn, run
// by /usr/bin/python3 in a process of their own per iteration), all with
// 200 rounds, learning rate 0.1, depth 8 and 2 threads. Each reports the
// training time (train-s), the test RMSE, the peak resident memory during
// training (peak-RSS-MB: the whole process's VmHWM, reset just before
// training, with the data already loaded: start-RSS-MB), the median
// single-row prediction latency (predict-1row-us) and the time to predict
// the whole test set (predict-batch-ms). Opus also reports the mean time
// per row of the same single rows predicted in a tight loop, in the
// fastest of five passes (predict-1row-loop-us). ns/op is Opus's training
// time, but a peer's whole process (interpreter start, CSV load, training,
// predictions): compare train-s.
func BenchmarkTrainGBM(b *testing.B) {
	trainPath, testPath := gbmTables(b)
	train := readGBMCSV(b, trainPath)
	test := readGBMCSV(b, testPath)
	testRows := make([]float64, 0, len(test.y)*len(gbmFeatures))
	for i := range test.y {
		for j := range gbmFeatures {
			testRows = append(testRows, test.cols[j][i])
		}
	}
	testMat := mat.NewDense(len(test.y), len(gbmFeatures), testRows)
	b.Logf("train %d rows, test %d rows; test target mean %.1f s, sd %.1f s (RMSE of a constant)",
		len(train.y), len(test.y), mean(test.y), math.Sqrt(variance(test.y)))

	leafwise := ml.Params{NumRounds: gbmRounds, LearningRate: gbmRate, Growth: ml.GrowLeafWise,
		NumLeaves: gbmLeaves, MaxDepth: gbmDepth, Threads: gbmThreads}
	depthwise := ml.Params{NumRounds: gbmRounds, LearningRate: gbmRate, Growth: ml.GrowDepthWise,
		MaxDepth: gbmDepth, Threads: gbmThreads}
	for _, v := range []struct {
		name        string
		params      ml.Params
		categorical []int
	}{
		{"opus-leafwise-categorical", leafwise, gbmZones},
		{"opus-depthwise-categorical", depthwise, gbmZones},
		{"opus-leafwise", leafwise, nil},
		{"opus-depthwise", depthwise, nil},
	} {
		b.Run(v.name, func(b *testing.B) {
			ds, err := ml.NewDatasetColumns(train.cols, train.y, nil, gbmFeatures, v.categorical)
			if err != nil {
				b.Fatal(err)
			}
			start := resetPeakRSS(b)
			var model *ml.Model
			for b.Loop() {
				if model, _, err = ml.Train(context.Background(), ds, nil, v.params); err != nil {
					b.Fatal(err)
				}
			}
			peak, _ := procStatusMB("VmHWM:")
			trainSeconds := b.Elapsed().Seconds() / float64(b.N)

			t0 := time.Now()
			pred, err := model.PredictBatch(testMat, gbmThreads)
			batch := time.Since(t0)
			if err != nil {
				b.Fatal(err)
			}
			// Single rows: each call timed alone, over distinct test rows,
			// after a collection (training's garbage is not being marked
			// meanwhile, as in a server that did not just train).
			runtime.GC()
			lat := make([]float64, gbmPredictRows)
			row := make([]float64, len(gbmFeatures))
			var sink float64
			for i := range lat {
				copy(row, testRows[(i%len(test.y))*len(gbmFeatures):])
				t := time.Now()
				sink += model.Predict(row)
				lat[i] = float64(time.Since(t).Nanoseconds()) / 1e3
			}
			if math.IsNaN(sink) {
				b.Fatal("NaN prediction")
			}
			// The same rows in a tight loop: mean time per row of the
			// fastest of gbmPredictPasses passes (as Python's timeit
			// reports), the latency with the least interference from
			// whatever else the machine runs.
			loop := time.Duration(math.MaxInt64)
			for range gbmPredictPasses {
				t0 = time.Now()
				for i := range gbmPredictRows {
					copy(row, testRows[(i%len(test.y))*len(gbmFeatures):])
					sink += model.Predict(row)
				}
				loop = min(loop, time.Since(t0))
			}
			allocs := testing.AllocsPerRun(100, func() { sink += model.Predict(row) })

			b.ReportMetric(trainSeconds, "train-s")
			b.ReportMetric(ml.RMSE(test.y, pred, nil), "test-RMSE")
			b.ReportMetric(peak, "peak-RSS-MB")
			b.ReportMetric(start, "start-RSS-MB")
			b.ReportMetric(median(lat), "predict-1row-us")
			b.ReportMetric(float64(loop.Nanoseconds())/1e3/gbmPredictRows, "predict-1row-loop-us")
			b.ReportMetric(float64(batch.Microseconds())/1e3, "predict-batch-ms")
			b.ReportMetric(float64(len(model.Trees)), "trees")
			b.ReportMetric(float64(leafCount(model))/float64(len(model.Trees)), "leaves/tree")
			if allocs != 0 {
				b.Errorf("Predict allocates %v times per row", allocs)
			}
		})
	}

	for _, variant := range []string{
		"xgb-hist-depthwise",
		"xgb-hist-lossguide",
		"xgb-hist-depthwise-categorical",
		"xgb-hist-lossguide-categorical",
		"sklearn-hgb",
		"sklearn-hgb-categorical",
	} {
		b.Run(variant, func(b *testing.B) {
			module := "xgboost"
			if strings.HasPrefix(variant, "sklearn") {
				module = "sklearn"
			}
			py := "/usr/bin/python3"
			if err := exec.Command(py, "-c", "import pandas, "+module).Run(); err != nil {
				b.Skipf("needs %s with pandas and %s (Debian's python3-pandas, python3-%s): %v", py, module, module, err)
			}
			var last peerTrainRun
			for b.Loop() {
				cmd := exec.Command(py, "peers/train_peers.py", variant, trainPath, testPath)
				// Two threads for every OpenMP and BLAS pool the peers use
				// (XGBoost also gets nthread=2).
				cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=2", "OPENBLAS_NUM_THREADS=2", "MKL_NUM_THREADS=2")
				cmd.Stderr = os.Stderr
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("%s: %v", variant, err)
				}
				last = peerTrainRun{}
				if err := json.Unmarshal(out, &last); err != nil {
					b.Fatalf("%s output %q: %v", variant, out, err)
				}
				if last.Skip != "" {
					b.Skip(last.Skip)
				}
			}
			if last.TrainRows != len(train.y) || last.TestRows != len(test.y) {
				b.Fatalf("%s read %d/%d rows, want %d/%d", variant, last.TrainRows, last.TestRows, len(train.y), len(test.y))
			}
			b.ReportMetric(last.TrainSeconds, "train-s")
			b.ReportMetric(last.TestRMSE, "test-RMSE")
			b.ReportMetric(last.PeakRSSMB, "peak-RSS-MB")
			b.ReportMetric(last.StartRSSMB, "start-RSS-MB")
			b.ReportMetric(last.Predict1RowUS, "predict-1row-us")
			b.ReportMetric(last.PredictBatchMS, "predict-batch-ms")
			b.ReportMetric(float64(last.Trees), "trees")
			if last.LeavesPerTree > 0 {
				b.ReportMetric(last.LeavesPerTree, "leaves/tree")
			}
			b.Logf("%s: %s", variant, last.Engine)
		})
	}
}

// peerTrainRun is what peers/train_peers.py prints.
type peerTrainRun struct {
	Skip           string  `json:"skip"`
	Engine         string  `json:"engine"`
	TrainRows      int     `json:"train_rows"`
	TestRows       int     `json:"test_rows"`
	TrainSeconds   float64 `json:"train_seconds"`
	TestRMSE       float64 `json:"test_rmse"`
	PeakRSSMB      float64 `json:"peak_rss_mb"`
	StartRSSMB     float64 `json:"start_rss_mb"`
	Predict1RowUS  float64 `json:"predict_1row_us"`
	PredictBatchMS float64 `json:"predict_batch_ms"`
	Trees          int     `json:"trees"`
	LeavesPerTree  float64 `json:"leaves_per_tree"`
}

// gbmTable is a trip-duration CSV file's feature columns (NaN for missing)
// and targets.
type gbmTable struct {
	cols [][]float64
	y    []float64
}

// gbmTables returns the training and test CSV files of the trip-duration
// table, generating them once into out/.
//
// Trips: gbmPerMonth generated yellow trips for every month of gbmYear
// (seed gbmSeed, 1 % injected defects), cleaned like silver (exact
// duplicates of the previous row, pickups outside the month, zones outside
// 1-265 and negative amounts dropped) and filtered like the gold training
// table (medallion.TrainingMinSeconds to TrainingMaxSeconds, a distance in
// (0, TrainingMaxMiles], at most TrainingMaxMPH); then shuffled (seeded)
// and cut to gbmRows, the first gbmTrainRows the training file.
// Features (gbmFeatures): pickup hour 0-23, ISO day of the week 1-7, month
// 1-12, weekend 0/1, pickup and dropoff zones, trip distance, passengers,
// vendor and rate code (empty, i.e. missing, when null); target: the
// duration in seconds.
func gbmTables(b *testing.B) (trainPath, testPath string) {
	b.Helper()
	base := filepath.Join("out", fmt.Sprintf("tlc_duration_%d_%d_seed%d", gbmYear, gbmRows, gbmSeed))
	trainPath, testPath = base+".train.csv", base+".test.csv"
	_, err1 := os.Stat(trainPath)
	_, err2 := os.Stat(testPath)
	if err1 == nil && err2 == nil {
		return trainPath, testPath
	}
	if err := os.MkdirAll("out", 0o755); err != nil {
		b.Fatal(err)
	}
	type rec [11]float64 // gbmFeatures, then the target
	var rows []rec
	dropped := 0
	for m := 1; m <= 12; m++ {
		g, err := tlc.NewGenerator(tlc.GenerateConfig{Kind: tlc.Yellow, Year: gbmYear, Month: m,
			Rows: gbmPerMonth, Seed: gbmSeed, DefectRate: 0.01})
		if err != nil {
			b.Fatal(err)
		}
		var trips []tlc.YellowTrip
		var prev tlc.YellowTrip
		for g.Remaining() > 0 {
			if trips, err = tlc.AppendTrips(g, trips[:0], 1<<16); err != nil {
				b.Fatal(err)
			}
			for _, t := range trips {
				dup := t == prev
				prev = t
				r, ok := gbmRow(t, m)
				if dup || !ok {
					dropped++
					continue
				}
				rows = append(rows, r)
			}
		}
	}
	if len(rows) < gbmRows {
		b.Fatalf("generated %d usable trips, want %d: raise gbmPerMonth", len(rows), gbmRows)
	}
	rng := rand.New(rand.NewPCG(gbmSeed, 0x6762_6d73))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	b.Logf("trip-duration table: %d trips kept of %d generated (%d dropped), %d used", len(rows), 12*gbmPerMonth, dropped, gbmRows)
	rows = rows[:gbmRows]

	write := func(path string, rows []rec) {
		tmp := path + ".tmp"
		f, err := os.Create(tmp)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString(strings.Join(append(slices.Clone(gbmFeatures), gbmTarget), ",") + "\n")
		var buf []byte
		for _, r := range rows {
			buf = buf[:0]
			for j, v := range r {
				if j > 0 {
					buf = append(buf, ',')
				}
				if !math.IsNaN(v) {
					buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
				}
			}
			buf = append(buf, '\n')
			w.Write(buf)
		}
		if err := errorsJoin(w.Flush(), f.Close()); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	write(trainPath, rows[:gbmTrainRows])
	write(testPath, rows[gbmTrainRows:])
	return trainPath, testPath
}

// gbmRow derives the table's row from a generated trip of month m, or
// reports false for a trip that silver or the gold training table leaves
// out.
func gbmRow(t tlc.YellowTrip, m int) ([11]float64, bool) {
	var r [11]float64
	pick := t.PickupDatetime
	secs := t.DropoffDatetime.Sub(pick).Seconds()
	dist := t.TripDistance
	zoneOK := func(z sql32) bool { return z.Valid && z.V >= 1 && z.V <= 265 }
	switch {
	case pick.Year() != gbmYear || int(pick.Month()) != m, // silver: the file's month
		!zoneOK(t.PULocationID) || !zoneOK(t.DOLocationID),                         // silver: zones 1-265
		t.FareAmount < 0 || t.TotalAmount < 0,                                      // silver: amounts >= 0
		secs < medallion.TrainingMinSeconds || secs > medallion.TrainingMaxSeconds, // gold
		!(dist > 0) || dist > medallion.TrainingMaxMiles,
		dist/(secs/3600) > medallion.TrainingMaxMPH:
		return r, false
	}
	dow := int(pick.Weekday()) // Sunday 0
	if dow == 0 {
		dow = 7
	}
	weekend := 0.0
	if dow >= 6 {
		weekend = 1
	}
	null := func(v sql32) float64 {
		if !v.Valid {
			return math.NaN()
		}
		return float64(v.V)
	}
	r = [11]float64{float64(pick.Hour()), float64(dow), float64(pick.Month()), weekend,
		float64(t.PULocationID.V), float64(t.DOLocationID.V), dist,
		null(t.PassengerCount), null(t.VendorID), null(t.RatecodeID), secs}
	return r, true
}

// readGBMCSV reads a file written by gbmTables.
func readGBMCSV(b *testing.B, path string) gbmTable {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	t := gbmTable{cols: make([][]float64, len(gbmFeatures))}
	want := strings.Join(append(slices.Clone(gbmFeatures), gbmTarget), ",")
	if !sc.Scan() || sc.Text() != want {
		b.Fatalf("%s: header %q, want %q", path, sc.Text(), want)
	}
	fields := make([]string, 0, len(gbmFeatures)+1)
	for line := 2; sc.Scan(); line++ {
		fields = strings.Split(sc.Text(), ",")
		if len(fields) != len(gbmFeatures)+1 {
			b.Fatalf("%s:%d: %d fields", path, line, len(fields))
		}
		for j, s := range fields {
			v := math.NaN()
			if s != "" {
				if v, err = strconv.ParseFloat(s, 64); err != nil {
					b.Fatalf("%s:%d: %v", path, line, err)
				}
			}
			if j < len(gbmFeatures) {
				t.cols[j] = append(t.cols[j], v)
			} else {
				t.y = append(t.y, v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return t
}

type sql32 = sql.Null[int32]

func leafCount(m *ml.Model) int {
	n := 0
	for i := range m.Trees {
		n += m.Trees[i].NumLeaves()
	}
	return n
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func variance(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs))
}
