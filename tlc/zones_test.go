package tlc

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The real lookup tables come through fixture (fixtures_test.go), which
// skips the test when ../shared/data/tlc is absent.

// threeZones is a lookup small enough to read, with the TLC's quoting and
// CRLF line endings.
const threeZones = "\"LocationID\",\"Borough\",\"Zone\",\"service_zone\"\r\n" +
	"1,\"EWR\",\"Newark Airport\",\"EWR\"\r\n" +
	"2,\"Queens\",\"Jamaica Bay\",\"Boro Zone\"\r\n" +
	"4,\"Manhattan\",\"Alphabet City\",\"Yellow Zone\"\r\n"

func TestLoadZonesReal(t *testing.T) {
	tests := []struct {
		file     string
		id264    Zone
		id265    Zone
		borough1 string
	}{
		{"taxi_zone_lookup.csv", Zone{264, "Unknown", "N/A", "N/A"}, Zone{265, "N/A", "Outside of NYC", "N/A"}, "EWR"},
		{"taxi_zone_lookup_old_2023.csv", Zone{264, "Unknown", "NV", "N/A"}, Zone{265, "Unknown", "NA", "N/A"}, "EWR"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			z, err := LoadZonesFile(fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if z.Len() != 265 {
				t.Errorf("Len = %d, want 265", z.Len())
			}
			for _, want := range []Zone{tt.id264, tt.id265, {1, tt.borough1, "Newark Airport", "EWR"}} {
				if got, ok := z.Lookup(want.LocationID); !ok || got != want {
					t.Errorf("Lookup(%d) = %+v, %v; want %+v", want.LocationID, got, ok, want)
				}
			}
			var ids []int32
			for zone := range z.All() {
				ids = append(ids, zone.LocationID)
			}
			if len(ids) != 265 || !slices.IsSorted(ids) || ids[0] != 1 || ids[264] != 265 {
				t.Errorf("All() ids not 1..265 in order: %v", ids)
			}
		})
	}
}

func TestDiffZonesReal(t *testing.T) {
	old, err := LoadZonesFile(fixture(t, "taxi_zone_lookup_old_2023.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := LoadZonesFile(fixture(t, "taxi_zone_lookup.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := DiffZones(old, cur)
	want := []string{"264 modified [Zone]", "265 modified [Borough Zone]"}
	if fmt.Sprint(summarize(got)) != fmt.Sprint(want) {
		t.Errorf("DiffZones(2023, 2024) = %v, want %v", summarize(got), want)
	}
	if len(DiffZones(cur, cur)) != 0 {
		t.Error("a table differs from itself")
	}
}

func summarize(cs []ZoneChange) []string {
	var s []string
	for _, c := range cs {
		s = append(s, fmt.Sprintf("%d %v %v", c.LocationID, c.Type, c.Fields))
	}
	return s
}

func TestLoadZonesErrors(t *testing.T) {
	const h = "LocationID,Borough,Zone,service_zone\n"
	tests := []struct {
		name  string
		in    string
		want  []string // substrings of the error; none means success
		count int      // zones on success
	}{
		{name: "three rows", in: threeZones, count: 3},
		{name: "BOM and lower-case header", in: "\ufefflocationid,borough,zone,SERVICE_ZONE\n7,Queens,Astoria,Boro Zone\n", count: 1},
		{name: "empty", in: "", want: []string{"header"}},
		{name: "wrong header", in: "id,borough,zone,service\n1,a,b,c\n", want: []string{"line 1: header"}},
		{name: "id not a number", in: h + "x,a,b,c\n", want: []string{`line 2: LocationID "x"`}},
		{name: "id zero", in: h + "0,a,b,c\n", want: []string{"line 2: LocationID 0 out of range"}},
		{name: "id too large", in: h + "1,a,b,c\n266,a,b,c\n", want: []string{"line 3: LocationID 266 out of range"}},
		{name: "duplicate", in: h + "5,a,b,c\n6,a,b,c\n5,a,b,d\n", want: []string{"line 4: duplicate LocationID 5 (first on line 2)"}},
		{name: "field count", in: h + "1,a,b\n", want: []string{"line 2", "wrong number of fields"}},
		{
			name: "every bad row reported", in: h + "0,a,b,c\n1,a,b,c\n1,a,b,c\n1,a\n",
			want: []string{"line 2:", "line 4: duplicate", "line 5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, err := LoadZones(strings.NewReader(tt.in))
			if len(tt.want) == 0 {
				if err != nil || z.Len() != tt.count {
					t.Fatalf("LoadZones = %d zones, %v; want %d zones", z.Len(), err, tt.count)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadZones succeeded, want an error mentioning %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNewZones(t *testing.T) {
	z, err := NewZones([]Zone{{3, "Bronx", "C", "Boro Zone"}, {1, "EWR", "A", "EWR"}})
	if err != nil || z.Len() != 2 {
		t.Fatalf("NewZones = %v, %v", z, err)
	}
	if first := slices.Collect(z.All())[0]; first.LocationID != 1 {
		t.Errorf("All() starts at %d, want 1", first.LocationID)
	}
	if _, err := NewZones([]Zone{{1, "", "", ""}, {1, "", "", ""}, {300, "", "", ""}}); err == nil ||
		!strings.Contains(err.Error(), "duplicate") || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("NewZones with bad ids: %v, want both errors", err)
	}
}

func TestDiffZones(t *testing.T) {
	mk := func(zs ...Zone) *Zones {
		z, err := NewZones(zs)
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	a, b := Zone{1, "EWR", "Newark Airport", "EWR"}, Zone{2, "Queens", "Jamaica Bay", "Boro Zone"}
	b2 := Zone{2, "Queens", "Jamaica Bay", "Airports"}
	tests := []struct {
		name          string
		before, after *Zones
		want          []string
	}{
		{"equal", mk(a, b), mk(a, b), nil},
		{"added", mk(a), mk(a, b), []string{"2 added []"}},
		{"removed", mk(a, b), mk(b), []string{"1 removed []"}},
		{"modified", mk(a, b), mk(a, b2), []string{"2 modified [ServiceZone]"}},
		{"from nil", nil, mk(b, a), []string{"1 added []", "2 added []"}},
	}
	for _, tt := range tests {
		if got := summarize(DiffZones(tt.before, tt.after)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: DiffZones = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFetchZones(t *testing.T) {
	const etag = `"z1"`
	tests := []struct {
		name         string
		cache        string // cached table; "" for none
		stale        bool   // cache older than ZonesMaxAge
		serve        int    // status the server answers with (200 sends threeZones)
		body         string // overrides the 200 body
		wantLen      int    // 0: want ErrZonesUnavailable
		wantRequests int
	}{
		{name: "no cache", serve: 200, wantLen: 3, wantRequests: 1},
		{name: "fresh cache", cache: threeZones, serve: 500, wantLen: 3, wantRequests: 0},
		{name: "stale cache revalidated", cache: threeZones, stale: true, serve: 200, wantLen: 3, wantRequests: 1},
		{name: "stale cache, server down", cache: threeZones, stale: true, serve: 503, wantLen: 3, wantRequests: 1},
		{name: "stale cache, bad answer", cache: threeZones, stale: true, serve: 200, body: "<html/>", wantLen: 3, wantRequests: 1},
		{name: "no cache, server down", serve: 503, wantRequests: 1},
		{name: "no cache, bad answer", serve: 200, body: "<html/>", wantRequests: 1},
		{name: "corrupt cache, server down", cache: "junk", serve: 404, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			requests, notModified := 0, 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				requests++
				if r.URL.Path != "/misc/taxi_zone_lookup.csv" {
					http.NotFound(w, r)
					return
				}
				if tt.serve != 200 {
					http.Error(w, "injected", tt.serve)
					return
				}
				w.Header().Set("ETag", etag)
				if r.Header.Get("If-None-Match") == etag {
					notModified++
					w.WriteHeader(http.StatusNotModified)
					return
				}
				body := threeZones
				if tt.body != "" {
					body = tt.body
				}
				fmt.Fprint(w, body)
			}))
			defer srv.Close()
			dir := t.TempDir()
			cache := filepath.Join(dir, ZoneLookupFileName)
			if tt.cache != "" {
				if err := os.WriteFile(cache, []byte(tt.cache), 0o644); err != nil {
					t.Fatal(err)
				}
				writeMeta(cache+".meta", remoteMeta{ETag: etag, Size: -1})
				if tt.stale {
					old := time.Now().Add(-2 * ZonesMaxAge)
					os.Chtimes(cache, old, old)
				}
			}
			z, err := FetchZones(t.Context(), srv.Client(), srv.URL, dir)
			mu.Lock()
			defer mu.Unlock()
			if requests != tt.wantRequests {
				t.Errorf("%d requests, want %d", requests, tt.wantRequests)
			}
			if tt.wantLen == 0 {
				if !errors.Is(err, ErrZonesUnavailable) {
					t.Fatalf("FetchZones = %v, %v; want ErrZonesUnavailable", z, err)
				}
				return
			}
			if err != nil || z.Len() != tt.wantLen {
				t.Fatalf("FetchZones = %d zones, %v; want %d", z.Len(), err, tt.wantLen)
			}
			if tt.name == "stale cache revalidated" && notModified != 1 {
				t.Error("stale cache was not revalidated with If-None-Match")
			}
			// Whatever happened, the cache now holds a valid table.
			if _, err := LoadZonesFile(cache); err != nil {
				t.Errorf("cache after FetchZones: %v", err)
			}
		})
	}
}

func TestFetchZonesOffline(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens: a network error, not an HTTP one
	_, err := FetchZones(t.Context(), srv.Client(), srv.URL, "")
	if !errors.Is(err, ErrZonesUnavailable) {
		t.Fatalf("FetchZones offline = %v, want ErrZonesUnavailable", err)
	}
}
