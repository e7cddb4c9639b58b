package lakehouse_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/lakehouse"
)

// TestJDBCCatalogLayout checks that a PostgreSQL catalog holds what
// Iceberg's Java JdbcCatalog (schema V1), and so Trino and Spark with
// type=jdbc, read: one iceberg_tables row per table with the catalog name,
// namespace, table name, the location of the current metadata file and
// the type, and the namespace in iceberg_namespace_properties.
func TestJDBCCatalogLayout(t *testing.T) {
	dsn := testsvc.FreshPostgresDatabase(t)
	wh := t.TempDir()
	w := openWarehouse(t, lakehouse.Config{CatalogURI: dsn, Warehouse: wh})
	createYellow(t, w, "bronze.trips")
	mustAppend(t, w, "bronze.trips", withSource(t, trips(t, time.January, 10, 1), "a"))
	tbl, err := w.Table(testContext(t), "bronze.trips")
	if err != nil {
		t.Fatal(err)
	}

	db := testsvc.OpenPostgres(t, dsn)
	var catalogName, ns, name, loc, typ string
	var prev *string
	err = db.QueryRow(`SELECT catalog_name, table_namespace, table_name, metadata_location,
		previous_metadata_location, iceberg_type FROM iceberg_tables`).Scan(&catalogName, &ns, &name, &loc, &prev, &typ)
	if err != nil {
		t.Fatal(err)
	}
	if catalogName != lakehouse.DefaultName || ns != "bronze" || name != "trips" || typ != "TABLE" {
		t.Fatalf("iceberg_tables row: %q %q %q type %q", catalogName, ns, name, typ)
	}
	if loc != tbl.MetadataLocation() || prev == nil || *prev == loc {
		t.Fatalf("metadata_location %q (table: %q), previous %v", loc, tbl.MetadataLocation(), prev)
	}
	if _, err := os.Stat(strings.TrimPrefix(loc, "file://")); err != nil {
		t.Fatalf("metadata file: %v", err)
	}
	var props int
	if err := db.QueryRow(`SELECT count(*) FROM iceberg_namespace_properties
		WHERE catalog_name = $1 AND namespace = 'bronze'`, lakehouse.DefaultName).Scan(&props); err != nil {
		t.Fatal(err)
	}
	if props == 0 {
		t.Fatal("namespace bronze has no row in iceberg_namespace_properties")
	}
}
