package medallion

import (
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
)

// stream is the array.RecordReader plumbing the layers' streamed writes
// share: reference counting, the current batch and the error that ended
// the stream. A type embeds it, implements Next (calling advance first)
// and sets schema and, for what it holds open, close.
type stream struct {
	schema *arrow.Schema
	close  func() // called by the last Release; may be nil
	cur    arrow.RecordBatch
	err    error
	refs   atomic.Int64
}

func newStream(schema *arrow.Schema, close func()) stream {
	return stream{schema: schema, close: close}
}

// start readies a new stream: one reference.
func (s *stream) start() { s.refs.Store(1) }

// Retain adds a reference.
func (s *stream) Retain() { s.refs.Add(1) }

// Release drops a reference; the last one releases the current batch and
// closes what the stream reads.
func (s *stream) Release() {
	if s.refs.Add(-1) == 0 {
		s.advance()
		if s.close != nil {
			s.close()
		}
	}
}

// advance releases the current batch, as Next does first.
func (s *stream) advance() {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
}

// Schema is the schema of the stream's batches.
func (s *stream) Schema() *arrow.Schema { return s.schema }

// RecordBatch is the current batch, valid until the next call to Next.
func (s *stream) RecordBatch() arrow.RecordBatch { return s.cur }

// Record is RecordBatch, for the older interface.
func (s *stream) Record() arrow.RecordBatch { return s.cur }

// Err is the error that ended the stream, if any.
func (s *stream) Err() error { return s.err }
