package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0 // the subcommand succeeded
	exitFailure = 1 // a runtime failure: a catalog, storage or data error
	exitUsage   = 2 // a usage error: a bad subcommand, flag, argument or input path
)

// command is one subcommand.
type command struct {
	// run runs the subcommand on its arguments (those after its name). It
	// writes results to stdout and diagnostics to stderr; a usageError
	// (see usagef) exits with exitUsage, any other error with exitFailure.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	// synopsis is the subcommand's one-line usage, without the program
	// name, as the overall usage lists it.
	synopsis string
}

// commands maps each subcommand name to its implementation. Adding a
// subcommand is one entry here and a file holding its run function (use
// newFlagSet and parseFlags from flags.go for the common flags, usagef for
// usage errors).
var commands = map[string]command{
	"ingest":   {runIngest, ingestSynopsis},
	"build":    {runBuild, buildSynopsis},
	"snapshot": {runSnapshot, snapshotSynopsis},
	"query":    {runQuery, querySynopsis},
	"history":  {runHistory, historySynopsis},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args (without the program name) and returns
// the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage())
		return exitOK
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "lakehouse: unknown subcommand %q\n%s", name, usage())
		return exitUsage
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ue):
		if !ue.reported {
			fmt.Fprintf(stderr, "lakehouse %s: %v\nusage: lakehouse %s\n(lakehouse %s -h lists every flag)\n",
				name, ue.err, cmd.synopsis, name)
		}
		return exitUsage
	default:
		fmt.Fprintf(stderr, "lakehouse %s: %v\n", name, err)
		return exitFailure
	}
}

// usage returns the overall usage text: every subcommand's synopsis, then
// the common flags.
func usage() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintf(&b, "  lakehouse %s\n", commands[name].synopsis)
	}
	b.WriteString(commonUsage)
	return b.String()
}
