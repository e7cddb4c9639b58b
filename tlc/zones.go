package tlc

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ZoneLookupFileName is the name of the TLC's taxi zone lookup table, under
// /misc/ on the TLC site and in a FetchZones cache directory.
const ZoneLookupFileName = "taxi_zone_lookup.csv"

// MaxLocationID is the largest LocationID the TLC has published (265,
// "Outside of NYC" since 2024). LoadZones rejects larger ids, so a new zone
// shows up as an error to look at rather than slipping through.
const MaxLocationID = 265

// ZonesMaxAge is how long FetchZones trusts its cached copy before asking
// the server again. The table changes every few years, not weekly.
const ZonesMaxAge = 7 * 24 * time.Hour

// maxZonesBytes bounds what FetchZones reads: the real table is 12 KB, so
// anything near this is not the lookup table.
const maxZonesBytes = 1 << 20

// ErrZonesUnavailable is wrapped by FetchZones when neither the server nor
// the cache gives a valid lookup table. Callers that can work without zone
// names (the trip records carry only ids) check for it with errors.Is.
var ErrZonesUnavailable = errors.New("taxi zone lookup unavailable")

// zoneHeader is the lookup table's header, compared case-insensitively.
var zoneHeader = []string{"LocationID", "Borough", "Zone", "service_zone"}

// ZoneLookupURL returns the URL of the zone lookup table under baseURL
// (DefaultBaseURL when empty).
func ZoneLookupURL(baseURL string) string {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return strings.TrimRight(baseURL, "/") + "/misc/" + ZoneLookupFileName
}

// Zone is one row of the taxi zone lookup table. Values are kept exactly as
// published ("N/A", "NV" and all), since the lookup's own history is data:
// the 2023 and 2024 tables differ only in how ids 264 and 265 say
// "unknown".
type Zone struct {
	LocationID  int32  // the PULocationID / DOLocationID of the trip records
	Borough     string // "Manhattan", "EWR", "Unknown", ...
	Zone        string // "Newark Airport", "Yorkville West", ...
	ServiceZone string // "Yellow Zone", "Boro Zone", "Airports", "EWR", ...
}

// Zones is a taxi zone lookup table indexed by LocationID. The zero value is
// an empty table. A Zones is not modified after loading, so it is safe for
// concurrent use.
type Zones struct {
	zones []Zone        // sorted by LocationID
	byID  map[int32]int // LocationID -> index in zones
}

// NewZones builds a table from zs, in any order. It rejects ids outside
// 1..MaxLocationID and duplicate ids.
func NewZones(zs []Zone) (*Zones, error) {
	z := &Zones{zones: slices.Clone(zs), byID: make(map[int32]int, len(zs))}
	slices.SortStableFunc(z.zones, func(a, b Zone) int { return int(a.LocationID) - int(b.LocationID) })
	var errs []error
	for i, zone := range z.zones {
		if zone.LocationID < 1 || zone.LocationID > MaxLocationID {
			errs = append(errs, fmt.Errorf("tlc: zone %d: LocationID out of range 1..%d", zone.LocationID, MaxLocationID))
		}
		if _, dup := z.byID[zone.LocationID]; dup {
			errs = append(errs, fmt.Errorf("tlc: zone %d: duplicate LocationID", zone.LocationID))
		}
		z.byID[zone.LocationID] = i
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return z, nil
}

// Lookup returns the zone with the given id.
func (z *Zones) Lookup(id int32) (Zone, bool) {
	if z == nil {
		return Zone{}, false
	}
	i, ok := z.byID[id]
	if !ok {
		return Zone{}, false
	}
	return z.zones[i], true
}

// All yields every zone in LocationID order.
func (z *Zones) All() iter.Seq[Zone] {
	return func(yield func(Zone) bool) {
		if z == nil {
			return
		}
		for _, zone := range z.zones {
			if !yield(zone) {
				return
			}
		}
	}
}

// Len returns the number of zones.
func (z *Zones) Len() int {
	if z == nil {
		return 0
	}
	return len(z.zones)
}

// LoadZones parses a taxi zone lookup CSV. It is strict: the header must
// be LocationID, Borough, Zone, service_zone (any case), every row must have
// four fields and an id in 1..MaxLocationID, and ids must be unique. It
// reports every bad row, each with its line number, not only the first.
// CRLF line endings and a UTF-8 byte order mark are accepted.
func LoadZones(r io.Reader) (*Zones, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(zoneHeader)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("tlc: zone lookup header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if !slices.EqualFunc(header, zoneHeader, func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), b) }) {
		return nil, fmt.Errorf("tlc: zone lookup line 1: header %q, want %q", header, zoneHeader)
	}
	z := &Zones{byID: make(map[int32]int, MaxLocationID)}
	firstLine := make(map[int32]int, MaxLocationID)
	var errs []error
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// csv.ParseError already names the line. A wrong field count
			// leaves the reader in step; a syntax error (a stray quote) can
			// swallow the rest of the file, so reading stops there.
			errs = append(errs, fmt.Errorf("tlc: zone lookup: %w", err))
			if errors.Is(err, csv.ErrFieldCount) {
				continue
			}
			break
		}
		line, _ := cr.FieldPos(0)
		id, err := strconv.ParseInt(strings.TrimSpace(rec[0]), 10, 32)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("tlc: zone lookup line %d: LocationID %q is not an integer", line, rec[0]))
			continue
		case id < 1 || id > MaxLocationID:
			errs = append(errs, fmt.Errorf("tlc: zone lookup line %d: LocationID %d out of range 1..%d", line, id, MaxLocationID))
			continue
		}
		if prev, dup := firstLine[int32(id)]; dup {
			errs = append(errs, fmt.Errorf("tlc: zone lookup line %d: duplicate LocationID %d (first on line %d)", line, id, prev))
			continue
		}
		firstLine[int32(id)] = line
		z.zones = append(z.zones, Zone{LocationID: int32(id), Borough: rec[1], Zone: rec[2], ServiceZone: rec[3]})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(z.zones, func(a, b Zone) int { return int(a.LocationID) - int(b.LocationID) })
	for i, zone := range z.zones {
		z.byID[zone.LocationID] = i
	}
	return z, nil
}

// LoadZonesFile parses the taxi zone lookup CSV at path (see LoadZones).
func LoadZonesFile(path string) (*Zones, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tlc: %w", err)
	}
	defer f.Close()
	z, err := LoadZones(f)
	if err != nil {
		return nil, fmt.Errorf("tlc: %s: %w", path, err)
	}
	return z, nil
}

// FetchZones returns the taxi zone lookup table from baseURL
// (DefaultBaseURL when empty), cached in cacheDir. A cached copy younger
// than ZonesMaxAge is returned without a request; an older one is
// revalidated with its ETag, so an unchanged table costs a 304. When the
// server cannot be reached or sends an invalid table, the cached copy is
// returned whatever its age. With neither, the error wraps
// ErrZonesUnavailable. An empty cacheDir disables the cache. A nil client
// means http.DefaultClient.
func FetchZones(ctx context.Context, client *http.Client, baseURL, cacheDir string) (*Zones, error) {
	url := ZoneLookupURL(baseURL)
	var cache string
	var cached *Zones
	var cacheErr error
	if cacheDir != "" {
		cache = filepath.Join(cacheDir, ZoneLookupFileName)
		cached, cacheErr = LoadZonesFile(cache)
		if fi, err := os.Stat(cache); cacheErr == nil && err == nil && time.Since(fi.ModTime()) < ZonesMaxAge {
			return cached, nil
		}
	}
	z, err := fetchZones(ctx, client, url, cache, cached)
	switch {
	case err == nil:
		return z, nil
	case cached != nil:
		// Offline or a bad answer: a stale table beats no table.
		return cached, nil
	case cache != "" && !errors.Is(cacheErr, os.ErrNotExist):
		err = errors.Join(err, cacheErr)
	}
	return nil, fmt.Errorf("tlc: %w: %w", ErrZonesUnavailable, err)
}

// fetchZones GETs the table, revalidating cached when there is one, and
// replaces the cache (when cache is set) only with a table that parses.
func fetchZones(ctx context.Context, client *http.Client, url, cache string, cached *Zones) (*Zones, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("tlc: GET %s: %w", url, err)
	}
	var meta remoteMeta
	if cached != nil {
		meta = readMeta(metaPath(cache))
		if meta.ETag != "" {
			req.Header.Set("If-None-Match", meta.ETag)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("tlc: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && cached != nil:
		now := time.Now()
		os.Chtimes(cache, now, now) // restart the freshness clock; failing costs only a request
		return cached, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("tlc: GET %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxZonesBytes+1))
	if err != nil {
		return nil, fmt.Errorf("tlc: GET %s: %w", url, err)
	}
	if len(body) > maxZonesBytes {
		return nil, fmt.Errorf("tlc: GET %s: more than %d bytes; not a zone lookup table", url, maxZonesBytes)
	}
	z, err := LoadZones(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("tlc: GET %s: %w", url, err)
	}
	if cache != "" {
		// The cache is an optimisation: failing to write it loses nothing
		// the caller asked for, so the fetched table is returned anyway.
		if writeFileAtomic(cache, body) == nil {
			writeMeta(metaPath(cache), metaFrom(resp, int64(len(body))))
		}
	}
	return z, nil
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so readers never see half a file.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// ZoneChangeType says how a zone differs between two lookup tables.
type ZoneChangeType int

// The kinds of difference DiffZones reports.
const (
	ZoneAdded    ZoneChangeType = iota + 1 // only in the new table
	ZoneRemoved                            // only in the old table
	ZoneModified                           // in both, with different values
)

// String returns "added", "removed" or "modified".
func (t ZoneChangeType) String() string {
	switch t {
	case ZoneAdded:
		return "added"
	case ZoneRemoved:
		return "removed"
	case ZoneModified:
		return "modified"
	}
	return fmt.Sprintf("ZoneChangeType(%d)", int(t))
}

// ZoneChange is one difference between two lookup tables: the unit an SCD2
// snapshot of the zone dimension turns into a closed and an opened row.
type ZoneChange struct {
	Type       ZoneChangeType
	LocationID int32
	Old, New   Zone     // Old is zero for ZoneAdded, New for ZoneRemoved
	Fields     []string // for ZoneModified, the changed fields' names: "Borough", "Zone", "ServiceZone"
}

// DiffZones returns the differences from before to after in LocationID
// order; none when the tables are equal. A nil table counts as empty.
func DiffZones(before, after *Zones) []ZoneChange {
	var changes []ZoneChange
	for o := range before.All() {
		n, ok := after.Lookup(o.LocationID)
		switch {
		case !ok:
			changes = append(changes, ZoneChange{Type: ZoneRemoved, LocationID: o.LocationID, Old: o})
		case n != o:
			var fields []string
			for _, f := range []struct {
				name string
				a, b string
			}{{"Borough", o.Borough, n.Borough}, {"Zone", o.Zone, n.Zone}, {"ServiceZone", o.ServiceZone, n.ServiceZone}} {
				if f.a != f.b {
					fields = append(fields, f.name)
				}
			}
			changes = append(changes, ZoneChange{Type: ZoneModified, LocationID: o.LocationID, Old: o, New: n, Fields: fields})
		}
	}
	for n := range after.All() {
		if _, ok := before.Lookup(n.LocationID); !ok {
			changes = append(changes, ZoneChange{Type: ZoneAdded, LocationID: n.LocationID, New: n})
		}
	}
	slices.SortStableFunc(changes, func(a, b ZoneChange) int { return int(a.LocationID) - int(b.LocationID) })
	return changes
}
