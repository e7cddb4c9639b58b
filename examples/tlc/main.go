// Command tlc inspects, downloads and generates NYC TLC trip record files.
//
// Usage:
//
//	tlc inspect FILE...
//	tlc download -kind yellow -from 2024-01 -to 2024-03 -dir DIR
//	tlc generate -kind yellow -month 2024-01 -rows N -out FILE
//
// inspect prints one JSON object per file and exits non-zero when a file
// cannot be read; run a subcommand with -h for its flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
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

const usage = `usage:
  tlc inspect [-batch N] FILE...        one JSON summary per file
  tlc download -kind K -from YYYY-MM -to YYYY-MM -dir DIR
  tlc generate -kind K -month YYYY-MM -rows N -out FILE
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("missing subcommand")
	}
	switch args[0] {
	case "inspect":
		return runInspect(ctx, args[1:], stdout, stderr)
	case "download":
		return runDownload(ctx, args[1:], stdout, stderr)
	case "generate":
		return runGenerate(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown subcommand %q", args[0])
}
