package lakehouse

// Retries returns how many operations w redid after losing a commit race.
func Retries(w *Warehouse) int64 { return w.retries.Load() }
