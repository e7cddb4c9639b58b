// Command pipeline runs the Opus cycle as far as it is built, offline and
// with no services: it generates a realistic month of synthetic TLC trips
// per kind (or takes real files), reads them back through the tlc package
// and prints a summary of each (rows, time range, null counts, problems,
// distribution figures), validates each with the kind's default GX suite
// and Pandera schema (quarantine file and Data Docs), then runs the
// lakehouse: lands the files, ingests them into bronze Iceberg tables,
// snapshots the dimensions (zones, data dictionary codes) as SCD2 history
// and builds silver (with its bronze = silver + quarantine + duplicates
// reconciliation) and the gold marts for the files' month.
//
//	go run ./examples/pipeline                      # yellow and green, 2024-01
//	go run ./examples/pipeline -kinds fhvhv -rows 1000000
//	go run ./examples/pipeline -data yellow_tripdata_2024-01.parquet
//	go run ./examples/pipeline -catalog postgres://user:pw@host/db -warehouse s3://bucket/opus -s3-endpoint http://host:9000
//
// By default everything goes under the warehouse directory (-warehouse,
// else $OPUS_WAREHOUSE, else ./opus-data): the Iceberg tables and their
// SQLite catalog, landing/ for the monthly files, generated/ for the
// synthetic ones, quarantine/ for the rejected rows with the checks they
// failed, docs/index.html for Data Docs. With an s3:// warehouse the
// tables and landing zone go to the bucket and the local files to
// ./opus-data. Later stages (training, serving, streaming) join this
// program as they land.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	warehouse string // local directory for generated files, quarantine and docs
	lake      lakehouse.Config
	zones     string
	kinds     []tlc.Kind
	month     tlc.Month
	rows      int
	seed      uint64
	defects   float64
	data      []string
	json      bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("pipeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := os.Getenv("OPUS_WAREHOUSE")
	if def == "" {
		def = "opus-data"
	}
	warehouse := fs.String("warehouse", def, "warehouse: a directory or s3://bucket/prefix (env OPUS_WAREHOUSE)")
	catalog := fs.String("catalog", "", "Iceberg catalog: empty for SQLite in the warehouse, postgres://..., http(s):// for REST")
	s3Endpoint := fs.String("s3-endpoint", os.Getenv("OPUS_S3_ENDPOINT"), "S3 endpoint URL for an s3:// warehouse (env OPUS_S3_ENDPOINT)")
	s3Key := fs.String("s3-access-key", os.Getenv("AWS_ACCESS_KEY_ID"), "S3 access key (env AWS_ACCESS_KEY_ID)")
	s3Secret := fs.String("s3-secret-key", os.Getenv("AWS_SECRET_ACCESS_KEY"), "S3 secret key (env AWS_SECRET_ACCESS_KEY)")
	s3Region := fs.String("s3-region", os.Getenv("AWS_REGION"), "S3 region (env AWS_REGION)")
	zones := fs.String("zones", "", "taxi zone lookup CSV for the zone dimension and boroughs (default: the synthetic 2023 and 2024 lookups)")
	kinds := fs.String("kinds", "yellow,green", "comma-separated trip kinds to generate")
	month := fs.String("month", "2024-01", "month to generate, YYYY-MM")
	rows := fs.Int("rows", 200_000, "rows to generate per kind")
	seed := fs.Uint64("seed", 1, "generator seed")
	defects := fs.Float64("defects", 0.02, "share of generated rows with an injected defect")
	data := fs.String("data", "", "comma-separated real TLC files to read instead of generating")
	asJSON := fs.Bool("json", false, "print the summaries as JSON lines instead of text")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	c := config{warehouse: *warehouse, zones: *zones, rows: *rows, seed: *seed, defects: *defects, json: *asJSON}
	m, err := tlc.ParseMonth(*month)
	if err != nil {
		return config{}, err
	}
	c.month = m
	c.lake = lakehouse.Config{CatalogURI: *catalog, Warehouse: *warehouse,
		S3: lakehouse.S3Config{Endpoint: *s3Endpoint, AccessKey: *s3Key, SecretKey: *s3Secret, Region: *s3Region}}
	if strings.HasPrefix(*warehouse, "s3://") {
		c.warehouse = "opus-data"
	}
	for _, k := range strings.Split(*kinds, ",") {
		kind, err := tlc.ParseKind(k)
		if err != nil {
			return config{}, err
		}
		c.kinds = append(c.kinds, kind)
	}
	if *data != "" {
		c.data = strings.Split(*data, ",")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	files := c.data
	if len(files) == 0 {
		if files, err = generate(ctx, c, stderr); err != nil {
			return err
		}
	}
	for _, f := range files {
		start := time.Now()
		s, err := tlc.Inspect(ctx, f, tlc.ReadOptions{})
		if err != nil {
			return err
		}
		took := time.Since(start)
		q, err := validateFile(ctx, f, c.warehouse)
		if err != nil {
			return err
		}
		if c.json {
			if err := json.NewEncoder(stdout).Encode(fileReport{s, q}); err != nil {
				return err
			}
			continue
		}
		printSummary(stdout, s, took)
		printQuality(stdout, q)
	}
	rep, err := runLakehouse(ctx, c, files, stderr)
	if err != nil {
		return fmt.Errorf("lakehouse: %w", err)
	}
	if c.json {
		return json.NewEncoder(stdout).Encode(struct {
			Lakehouse lakehouseReport `json:"lakehouse"`
		}{rep})
	}
	printLakehouse(stdout, rep)
	return nil
}

// catalogLabel names the catalog without its credentials.
func (c config) catalogLabel() string {
	if c.lake.CatalogURI == "" {
		return "sqlite (embedded)"
	}
	return lakehouse.RedactURI(c.lake.CatalogURI)
}

// fileReport is one file's JSON line: its summary, then the quality stage.
type fileReport struct {
	tlc.Summary
	Quality qualityReport `json:"quality"`
}

// generate writes one synthetic month per kind into the generated folder
// of the local warehouse directory, named as the TLC names its files.
func generate(ctx context.Context, c config, stderr io.Writer) ([]string, error) {
	dir := filepath.Join(c.warehouse, "generated")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, k := range c.kinds { // the generator draws a stream per kind and month from the seed
		path := filepath.Join(dir, tlc.TripFileName(k, c.month))
		start := time.Now()
		st, err := tlc.GenerateFile(ctx, tlc.GenerateConfig{Kind: k, Year: c.month.Year,
			Month: int(c.month.Month), Rows: c.rows, Seed: c.seed, DefectRate: c.defects}, path)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "generated %s: %d rows, %d with injected defects, in %s\n",
			path, st.Rows, st.DefectRows(), time.Since(start).Round(time.Millisecond))
		files = append(files, path)
	}
	return files, nil
}
