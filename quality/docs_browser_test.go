package quality

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// docsChromium is the browser the rendering test drives.
const docsChromium = "/usr/bin/chromium"

// docsBrowser starts a headless Chromium for the test, or skips it.
func docsBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(docsChromium); err != nil {
		t.Skip("needs chromium: " + docsChromium + " not found")
	}
	if testing.Short() {
		t.Skip("starts a browser; skipped in -short mode")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(docsChromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

// docsShot saves a PNG under the test's temp dir and, when
// OPUS_SCREENSHOT_DIR is set, copies it there for a human to look at.
func docsShot(t *testing.T, name string, png []byte) {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("%s: screenshot is not a PNG (%d bytes)", name, len(png))
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("OPUS_SCREENSHOT_DIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", out)
	}
}

func TestDocsRenderInChromium(t *testing.T) {
	ctx := docsBrowser(t)
	s, tbl := docsFixture(t)
	d := DataDocs{Dir: t.TempDir()}
	base := time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	var page string
	for i, run := range []string{"first", "second"} {
		r := docsValidate(t, s, tbl, run, base.Add(time.Duration(i)*time.Hour))
		var err error
		if page, err = d.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(d.Dir)))
	defer srv.Close()
	rel, err := filepath.Rel(d.Dir, page)
	if err != nil {
		t.Fatal(err)
	}
	// The file server unescapes the URL path once: escape the '%' of the
	// escaped names, as the index's links do.
	pageURL := srv.URL + "/" + strings.ReplaceAll(filepath.ToSlash(rel), "%", "%25")

	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if want := "trips <nightly> · second · Data Docs"; title != want {
		t.Errorf("title %q, want %q", title, want)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("tr.expectation").length`))
	if err != nil {
		t.Fatal(err)
	}
	if rows != len(s.Expectations) {
		t.Errorf("%d expectation rows rendered, want %d", rows, len(s.Expectations))
	}
	// Markup in the data is text, not elements.
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`))
	if err != nil || scripts != 0 {
		t.Errorf("%d script elements (%v), want none", scripts, err)
	}
	samples, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#e4 table.samples").innerText`))
	if err != nil || !strings.Contains(samples, "<script>alert(1)</script>") {
		t.Errorf("sample values read %q (%v)", samples, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	docsShot(t, "datadocs-run.png", png)

	// "Show failed only" hides the passing rows, with CSS alone.
	visible := `[...document.querySelectorAll("tr.expectation")].filter(r => r.offsetParent !== null).length`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label[for="only-failed"]`))); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible)); err != nil || n != 4 {
		t.Errorf("%d rows visible with failed only (%v), want 4", n, err)
	}

	// Narrow screens get one card per expectation.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(pageURL)); err != nil {
		t.Fatal(err)
	}
	display, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("tr.expectation")).display`))
	if err != nil || display != "block" {
		t.Errorf("narrow row display %q (%v), want block", display, err)
	}
	if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	docsShot(t, "datadocs-run-mobile.png", png)

	// The index lists both runs, newest first, and its links work.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("tr.run td[data-label='Run name']")].map(td => td.innerText)`))
	if err != nil || strings.Join(names, ",") != "second,first" {
		t.Errorf("index runs %v (%v), want second,first", names, err)
	}
	if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	docsShot(t, "datadocs-index.png", png)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`tr.run a`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`table.results`))); err != nil {
		t.Fatal(err)
	}
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || !strings.Contains(title, "second") {
		t.Errorf("link from the index opened %q (%v)", title, err)
	}
}
