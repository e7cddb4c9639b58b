package tlc_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/magnumopus/opus/tlc"
)

// A stand-in for the TLC site: it has January 2024 and answers 403, as the
// TLC's CloudFront does, for months not published yet.
func fakeTLC() *httptest.Server {
	var buf bytes.Buffer
	type trip struct {
		PULocationID int32   `parquet:"PULocationID"`
		FareAmount   float64 `parquet:"fare_amount"`
	}
	if err := parquet.Write(&buf, []trip{{132, 70}, {161, 12.5}}); err != nil {
		log.Fatal(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/trip-data/yellow_tripdata_2024-01.parquet" {
			http.Error(w, "AccessDenied", http.StatusForbidden)
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
	}))
}

func ExampleDownloader() {
	srv := fakeTLC()
	defer srv.Close()
	dir, err := os.MkdirTemp("", "tlc-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	d := &tlc.Downloader{BaseURL: srv.URL, Dir: dir, Concurrency: 2}
	months := tlc.MonthRange(tlc.Month{Year: 2024, Month: time.January}, tlc.Month{Year: 2024, Month: time.February})
	results, err := d.Download(context.Background(), []tlc.Kind{tlc.Yellow}, months)
	if err != nil { // not-published months are not errors
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Println(filepath.Base(r.Path), r.Status)
	}

	// A second run finds the file complete and only asks the server (HEAD)
	// whether it changed.
	results, _ = d.Download(context.Background(), []tlc.Kind{tlc.Yellow}, months[:1])
	fmt.Println(filepath.Base(results[0].Path), results[0].Status)
	// Output:
	// yellow_tripdata_2024-01.parquet downloaded
	// yellow_tripdata_2024-02.parquet not published
	// yellow_tripdata_2024-01.parquet skipped
}

func ExampleLoadZones() {
	const lookup = `"LocationID","Borough","Zone","service_zone"
1,"EWR","Newark Airport","EWR"
132,"Queens","JFK Airport","Airports"
161,"Manhattan","Midtown Center","Yellow Zone"
`
	zones, err := tlc.LoadZones(strings.NewReader(lookup))
	if err != nil {
		log.Fatal(err)
	}
	z, _ := zones.Lookup(132)
	fmt.Printf("%d zones; 132 is %s in %s (%s)\n", zones.Len(), z.Zone, z.Borough, z.ServiceZone)
	// Output: 3 zones; 132 is JFK Airport in Queens (Airports)
}

func ExampleDiffZones() {
	const header = "LocationID,Borough,Zone,service_zone\n"
	before, _ := tlc.LoadZones(strings.NewReader(header + "264,Unknown,NV,N/A\n265,Unknown,NA,N/A\n"))
	after, _ := tlc.LoadZones(strings.NewReader(header + "264,Unknown,N/A,N/A\n265,N/A,Outside of NYC,N/A\n"))
	for _, c := range tlc.DiffZones(before, after) {
		fmt.Println(c.LocationID, c.Type, c.Fields, c.Old.Zone, "->", c.New.Zone)
	}
	// Output:
	// 264 modified [Zone] NV -> N/A
	// 265 modified [Borough Zone] NA -> Outside of NYC
}
