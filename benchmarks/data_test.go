package benchmarks

import "testing"

func generatedMonth(b *testing.B) string {
	b.Skip("needs OPUS_BENCH_FILE until the generator lands")
	return ""
}
