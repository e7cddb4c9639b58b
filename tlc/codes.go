package tlc

import (
	"fmt"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Code tables of the TLC trip record data dictionaries ("Data Dictionary –
// Yellow Taxi Trip Records" and "Data Dictionary – LPEP Trip Records"), by
// edition, so that a type 2 snapshot of a code dimension taken once per
// edition records the real changes between them.
//
// Sources (third-party transcriptions found with the project's search tool;
// the TLC's PDFs themselves could not be fetched here):
//   - the codes of the editions before 2025 are quoted alike by every
//     transcription seen, from the 2014 and 2017 yellow tables of
//     bigquery-public-data and the 2016 samples of the nyctaxi R package to
//     a copy of the yellow PDF as revised for the airport fee (2022), and
//     by green (LPEP) transcriptions that list trip_type 1 Street-hail,
//     2 Dispatch;
//   - the 2025 editions of the yellow and the LPEP dictionary are both dated
//     March 18, 2025 in several transcriptions, which quote their code lists
//     alike.
//
// Not confirmed, and therefore not asserted: the exact day of any edition
// before 2025 (a paper cites the yellow dictionary as "(2015)"), and which
// edition first printed rate code 99 and payment type 0. A transcription of
// the NYC Open Data dictionary attached to the 2023 yellow dataset already
// lists both, next to "2=VeriFone Inc.", so the TLC may have added them
// between the two editions here. Dictionary2015 and Dictionary2025 are the
// two whose contents could be confirmed.

// Code is one entry of a code table: a coded value of a trip record column
// and its meaning as the data dictionary words it.
type Code struct {
	Code        int32  // the value in the trip records: 1, 2, 99, ...
	Description string // its meaning, worded as in the dictionary
}

// CodeTable names a coded column of the trip records.
type CodeTable string

// The code tables of the yellow and green trip records.
const (
	// CodeVendor is VendorID (canonical vendor_id): the TPEP/LPEP provider
	// that sent the record. The table is the yellow dictionary's; the 2025
	// LPEP (green) dictionary lists 1, 2 and 6 only, without 7 (Helix).
	CodeVendor CodeTable = "vendor"
	// CodeRateCode is RatecodeID (canonical ratecode_id): the final rate
	// code in effect at the end of the trip.
	CodeRateCode CodeTable = "rate_code"
	// CodePaymentType is payment_type: how the passenger paid.
	CodePaymentType CodeTable = "payment_type"
	// CodeTripType is trip_type, green (LPEP) records only: street-hail or
	// dispatch.
	CodeTripType CodeTable = "trip_type"
)

// CodeTables returns every code table, in a fixed order.
func CodeTables() []CodeTable {
	return []CodeTable{CodeVendor, CodeRateCode, CodePaymentType, CodeTripType}
}

// DictionaryEdition names an edition of the TLC trip record data
// dictionaries by its date, "YYYY-MM-DD" when the day is known, "YYYY" when
// only the year is.
type DictionaryEdition string

// The editions Codes knows, oldest first.
const (
	// Dictionary2015 stands for the dictionaries before 2025: vendors 1
	// Creative Mobile Technologies and 2 VeriFone, rate codes 1-6, payment
	// types 1-6. A paper cites the yellow dictionary of this wording as
	// "(2015)"; its day is not known, and later revisions (congestion
	// surcharge, airport fee) kept the same codes.
	Dictionary2015 DictionaryEdition = "2015"
	// Dictionary2025 is the edition dated March 18, 2025: vendor 2 becomes
	// Curb Mobility and 6 Myle and 7 Helix appear, rate code 99
	// (Null/unknown) and payment type 0 (Flex Fare trip) are listed.
	Dictionary2025 DictionaryEdition = "2025-03-18"
)

// DictionaryEditions returns the editions Codes knows, oldest first.
func DictionaryEditions() []DictionaryEdition {
	return []DictionaryEdition{Dictionary2015, Dictionary2025}
}

// Published returns the edition's date, midnight UTC: the run time to give
// a snapshot of the code tables of this edition. For an edition known only
// by its year (Dictionary2015) it is January 1 of that year, a stand-in, not
// a documented date. It fails on an edition DictionaryEditions does not
// list.
func (e DictionaryEdition) Published() (time.Time, error) {
	if slices.Contains(DictionaryEditions(), e) {
		for _, layout := range []string{time.DateOnly, "2006"} {
			if t, err := time.Parse(layout, string(e)); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("tlc: unknown data dictionary edition %q (known: %v)", string(e), DictionaryEditions())
}

// String returns the edition's date as written in its name.
func (e DictionaryEdition) String() string { return string(e) }

var (
	vendorsBefore2025 = []Code{
		{1, "Creative Mobile Technologies, LLC"},
		{2, "VeriFone Inc."},
	}
	vendors2025 = []Code{
		{1, "Creative Mobile Technologies, LLC"},
		{2, "Curb Mobility, LLC"},
		{6, "Myle Technologies Inc"},
		{7, "Helix"},
	}
	rateCodesBefore2025 = []Code{
		{1, "Standard rate"},
		{2, "JFK"},
		{3, "Newark"},
		{4, "Nassau or Westchester"},
		{5, "Negotiated fare"},
		{6, "Group ride"},
	}
	rateCodes2025 = append(slices.Clone(rateCodesBefore2025), Code{99, "Null/unknown"})

	paymentTypesBefore2025 = []Code{
		{1, "Credit card"},
		{2, "Cash"},
		{3, "No charge"},
		{4, "Dispute"},
		{5, "Unknown"},
		{6, "Voided trip"},
	}
	paymentTypes2025 = append([]Code{{0, "Flex Fare trip"}}, paymentTypesBefore2025...)

	tripTypes = []Code{
		{1, "Street-hail"},
		{2, "Dispatch"},
	}
)

// codeTables holds every table of every edition, each sorted by code.
var codeTables = map[DictionaryEdition]map[CodeTable][]Code{
	Dictionary2015: {
		CodeVendor:      vendorsBefore2025,
		CodeRateCode:    rateCodesBefore2025,
		CodePaymentType: paymentTypesBefore2025,
		CodeTripType:    tripTypes,
	},
	Dictionary2025: {
		CodeVendor:      vendors2025,
		CodeRateCode:    rateCodes2025,
		CodePaymentType: paymentTypes2025,
		CodeTripType:    tripTypes,
	},
}

// Codes returns code table t as edition e of the data dictionaries lists
// it, sorted by code. The slice is a copy the caller may keep. It fails on
// an unknown table or edition.
func Codes(t CodeTable, e DictionaryEdition) ([]Code, error) {
	tables, ok := codeTables[e]
	if !ok {
		return nil, fmt.Errorf("tlc: unknown data dictionary edition %q (known: %v)", string(e), DictionaryEditions())
	}
	codes, ok := tables[t]
	if !ok {
		return nil, fmt.Errorf("tlc: unknown code table %q (known: %v)", string(t), CodeTables())
	}
	return slices.Clone(codes), nil
}

// CodesSchema is the Arrow schema of CodesRecordBatch: code int32 and
// description string. The fields are nullable, like every canonical column,
// though no value is ever null.
var CodesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "code", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "description", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// CodesRecordBatch returns codes as a record batch of CodesSchema, in the
// order given: the source of a code dimension snapshot keyed on code. The
// caller releases the batch.
func CodesRecordBatch(mem memory.Allocator, codes []Code) arrow.RecordBatch {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, CodesSchema)
	defer b.Release()
	code := b.Field(0).(*array.Int32Builder)
	desc := b.Field(1).(*array.StringBuilder)
	code.Reserve(len(codes))
	desc.Reserve(len(codes))
	for _, c := range codes {
		code.Append(c.Code)
		desc.Append(c.Description)
	}
	return b.NewRecordBatch()
}
