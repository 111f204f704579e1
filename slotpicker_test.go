package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "rewrite the slot picker screenshots in docs/ from TestSlotPickerInBrowser")

// The slot picker's screenshots, as the README shows them.
var slotPickerShots = []string{"docs/slot-picker-light.png", "docs/slot-picker-dark.png", "docs/slot-picker-narrow.png"}

// appHost is the test's MCP Apps host: the page testdata/js/apphost (the
// official AppBridge of @modelcontextprotocol/ext-apps in headless Chromium)
// plus this HTTP server, which gives the page the view and the tool result,
// and carries the view's tools/call to the real server through a real MCP
// client (the built binary over stdio).
type appHost struct {
	t       *testing.T
	c       *client.Client
	view    string         // the HTML the server served (resources/read)
	visible map[string]any // each tool's _meta.ui.visibility, when set
	cfg     hostConfig
	url     string

	mu    sync.Mutex
	calls []mcp.CallToolParams // tools/call the view sent through the host
}

type hostConfig struct {
	HostContext map[string]any      `json:"hostContext"`
	Width       int                 `json:"width"`
	ToolInput   map[string]any      `json:"toolInput"`
	ToolResult  *mcp.CallToolResult `json:"toolResult"`
}

func newAppHost(t *testing.T, jsDir string, c *client.Client, view string, visible map[string]any, cfg hostConfig) *appHost {
	h := &appHost{t: t, c: c, view: view, visible: visible, cfg: cfg}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServer(http.Dir(jsDir)))
	mux.HandleFunc("GET /harness/config", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(h.cfg)
	})
	mux.HandleFunc("GET /harness/view", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(h.view))
	})
	mux.HandleFunc("POST /harness/call", h.call)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/apphost/index.html"
	return h
}

// call forwards one tools/call of the view to the server, as a host does:
// only tools the app may call (visibility includes "app", the default).
func (h *appHost) call(w http.ResponseWriter, r *http.Request) {
	var p mcp.CallToolParams
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.calls = append(h.calls, p)
	h.mu.Unlock()
	if v, ok := h.visible[p.Name].([]any); ok && !slices.Contains(v, any("app")) {
		http.Error(w, p.Name+" is not visible to apps", http.StatusForbidden)
		return
	}
	req := mcp.CallToolRequest{}
	req.Params = p
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	res, err := h.c.CallTool(ctx, req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}

// args are a call's arguments as the view sent them.
func args(p mcp.CallToolParams) map[string]any {
	m, _ := p.Arguments.(map[string]any)
	return m
}

func (h *appHost) viewCalls() []mcp.CallToolParams {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.calls)
}

// hostEvent is one entry of window.harness.log.
type hostEvent struct {
	Event           string         `json:"event"`
	AppInfo         map[string]any `json:"appInfo"`
	AppCapabilities map[string]any `json:"appCapabilities"`
	Params          map[string]any `json:"params"`
	Width, Height   float64
}

// open loads the host page in a new tab and waits until the view has the
// tool result; it returns the tab and the view's frame (its own target: a
// sandboxed iframe runs in its own process).
func (h *appHost) open(browser context.Context, width int64) (page, view context.Context) {
	t := h.t
	page, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	page, cancelT := context.WithTimeout(page, 90*time.Second)
	t.Cleanup(cancelT)
	require.NoError(t, chromedp.Do(page, chromedp.EmulateViewport(width, 900, chromedp.EmulateScale(2)), chromedp.Navigate(h.url)))
	_, err := chromedp.Run(page, chromedp.Poll[bool](`window.harness && (harness.error || harness.log.some(e => e.event === "delivered"))`,
		chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err)
	herr, err := chromedp.Run(page, chromedp.Evaluate[string](`harness.error`))
	require.NoError(t, err)
	require.Empty(t, herr, "the host page failed")

	pageID := chromedp.FromContext(page).Target.TargetID
	deadline := time.Now().Add(10 * time.Second)
	for view == nil {
		targets, err := chromedp.Targets(page)
		require.NoError(t, err)
		for _, tg := range targets {
			if tg.Type == "iframe" && tg.ParentID == pageID {
				var cancelV context.CancelFunc
				view, cancelV = chromedp.NewContext(page, chromedp.WithTargetID(tg.TargetID))
				t.Cleanup(cancelV)
			}
		}
		if view == nil {
			require.True(t, time.Now().Before(deadline), "no iframe target for the view")
			time.Sleep(50 * time.Millisecond)
		}
	}
	require.NoError(t, chromedp.Do(view, chromedp.WaitVisible(chromedp.CSS("#days"))))
	return page, view
}

func (h *appHost) log(page context.Context) []hostEvent {
	h.t.Helper()
	ev, err := chromedp.Run(page, chromedp.Evaluate[[]hostEvent](`harness.log`))
	require.NoError(h.t, err)
	return ev
}

func (h *appHost) screenshot(page, view context.Context, name string) {
	t := h.t
	t.Helper()
	// The host resizes the frame when the view reports its size: wait for it.
	height := evalIn[int](t, view, `document.documentElement.scrollHeight`)
	_, err := chromedp.Run(page, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById("view").clientHeight === %d`, height),
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the host sized the frame to the view (%d px)", height)
	shot, err := chromedp.Run(page, chromedp.Screenshot(chromedp.CSS("#view")))
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	require.Greater(t, img.Bounds().Dy(), 200, "the view has content")
	require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), filepath.Base(name)), shot, 0o644))
	if *updateScreenshots {
		require.NoError(t, os.WriteFile(name, shot, 0o644))
	}
}

// renderedDay is one day of the view as a person sees it.
type renderedDay struct {
	Date    string         `json:"date"`
	Heading string         `json:"heading"`
	Slots   []renderedSlot `json:"slots"`
}

type renderedSlot struct {
	Start    string `json:"start"`
	Text     string `json:"text"`
	Title    string `json:"title"`
	Local    string `json:"local"`
	Disabled bool   `json:"disabled"`
	Pressed  string `json:"pressed"`
}

func rendered(t *testing.T, view context.Context) []renderedDay {
	t.Helper()
	days, err := chromedp.Run(view, chromedp.Evaluate[[]renderedDay](`Array.from(document.querySelectorAll("#days .day")).map(d => ({
		date: d.querySelector("h2 time").getAttribute("datetime"),
		heading: d.querySelector("h2").textContent.trim(),
		slots: Array.from(d.querySelectorAll(".slot")).map(b => ({start: b.dataset.start, text: b.textContent.trim(), title: b.title,
			local: b.querySelector("time").getAttribute("datetime"), disabled: b.disabled, pressed: b.getAttribute("aria-pressed")}))
	}))`))
	require.NoError(t, err)
	return days
}

// expectedDays groups a find_available_slots result by local day in zone,
// computed here with Go's time zone database (the view uses the browser's).
func expectedDays(t *testing.T, res *mcp.CallToolResult, zone string) ([]string, map[string][]time.Time) {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	var out struct {
		Days []struct {
			Slots []struct {
				StartTime string `json:"start_time"`
			} `json:"slots"`
		} `json:"days"`
	}
	testenv.Structured(t, res, &out)
	var dates []string
	byDate := map[string][]time.Time{}
	for _, d := range out.Days {
		for _, s := range d.Slots {
			st, err := time.Parse(time.RFC3339, s.StartTime)
			require.NoError(t, err)
			day := st.In(loc).Format(time.DateOnly)
			if _, ok := byDate[day]; !ok {
				dates = append(dates, day)
			}
			byDate[day] = append(byDate[day], st)
		}
	}
	return dates, byDate
}

func assertRenderedIn(t *testing.T, view context.Context, res *mcp.CallToolResult, zone string) []renderedDay {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	dates, byDate := expectedDays(t, res, zone)
	require.GreaterOrEqual(t, len(dates), 2, "the window spans several days")
	days := rendered(t, view)
	require.Len(t, days, len(dates), "one group per local day in %s", zone)
	for i, d := range days {
		assert.Equal(t, dates[i], d.Date, "day %d", i)
		want := byDate[dates[i]]
		require.Len(t, d.Slots, len(want), "slots on %s", d.Date)
		first := want[0].In(loc)
		assert.Contains(t, d.Heading, first.Weekday().String())
		assert.Contains(t, d.Heading, first.Month().String())
		assert.Contains(t, d.Heading, fmt.Sprint(first.Day()))
		for j, s := range d.Slots {
			lt := want[j].In(loc)
			assert.Equal(t, want[j].UTC().Format(time.RFC3339), s.Start, "the exact UTC start")
			assert.Equal(t, lt.Format("15:04"), s.Text, "local time on the button")
			assert.Equal(t, lt.Format("2006-01-02T15:04-07:00"), s.Local)
			assert.Contains(t, s.Title, want[j].UTC().Format("15:04")+" UTC", "UTC on hover")
		}
	}
	return days
}

func evalIn[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, expr)
	return v
}

// fakeBooking reads a booking straight from the fake OnceHub (its state, not
// our server's view of it).
func fakeBooking(t *testing.T, env *testenv.Env, id string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.APIURL+"/bookings/"+id, nil)
	require.NoError(t, err)
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = res.Body.Close() }()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var b map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&b))
	return b
}

// fakeBookingsAt lists the fake's bookings of a calendar starting at start.
func fakeBookingsAt(t *testing.T, env *testenv.Env, calendar string, start time.Time) []map[string]any {
	t.Helper()
	var out []map[string]any
	req, err := http.NewRequest(http.MethodGet, env.APIURL+"/bookings?limit=100&booking_calendar="+calendar, nil)
	require.NoError(t, err)
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = res.Body.Close() }()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var page struct {
		Data []map[string]any `json:"data"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&page))
	for _, b := range page.Data {
		st, err := time.Parse(time.RFC3339, fmt.Sprint(b["starting_time"]))
		if err == nil && st.Equal(start) && b["status"] != "canceled" {
			out = append(out, b)
		}
	}
	return out
}

func schedulePosts(env *testenv.Env) int {
	n := 0
	for _, r := range env.Fake.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/schedule") {
			n++
		}
	}
	return n
}

// TestSlotPickerInBrowser loads the slot picker the built binary serves
// (read with resources/read by an MCP client that declared the MCP Apps
// extension) into headless Chromium, inside a host made of the official
// AppBridge, and books through it: the booking is made by the server, in
// the fake OnceHub.
func TestSlotPickerInBrowser(t *testing.T) {
	t.Parallel()

	chromium := testdeps.Chromium(t)
	jsDir, _ := testdeps.JSModules(t)

	// The binary runs on the real clock, so the fake does too.
	env := testenv.New(t, func(s testenv.Setup) { s.Fake.Now = time.Now })
	c := env.StdioWith(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, []client.ClientOption{client.WithClientCapabilities(mcp.ClientCapabilities{
		Extensions: map[string]any{tools.UIExtension: map[string]any{"mimeTypes": []string{tools.UIMIMEType}}},
	})})
	ctx := context.Background()
	// Sequential subtests: they share one browser and one stdio server, and
	// book times on one calendar that the next subtest searches again.

	// What a host learns from tools/list, and the view it reads.
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	visible := map[string]any{}
	var resourceURI string
	for _, tl := range list.Tools {
		if tl.Meta == nil {
			continue
		}
		ui, _ := tl.Meta.AdditionalFields["ui"].(map[string]any)
		if tl.Name == "find_available_slots" {
			resourceURI, _ = ui["resourceUri"].(string)
		}
		if v, ok := ui["visibility"]; ok {
			visible[tl.Name] = v
		}
	}
	require.Equal(t, tools.SlotPickerURI, resourceURI, "find_available_slots links the view")
	rr := mcp.ReadResourceRequest{}
	rr.Params.URI = resourceURI
	read, err := c.ReadResource(ctx, rr)
	require.NoError(t, err)
	require.Len(t, read.Contents, 1)
	contents := read.Contents[0].(mcp.TextResourceContents)
	require.Equal(t, tools.UIMIMEType, contents.MIMEType)
	view := contents.Text

	var calendar string
	for _, it := range testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_calendars", map[string]any{})) {
		if it["name"] == "Sales discovery call" { // Asia/Kolkata, weekdays 09:00-17:00, zoom or google_meet
			calendar = it["id"].(string)
		}
	}
	require.NotEmpty(t, calendar)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	// What the model asked for: mornings over the next days, in Kolkata.
	search := func(t *testing.T, maxSlots int) (map[string]any, *mcp.CallToolResult) {
		t.Helper()
		args := map[string]any{"booking_calendar_id": calendar, "start": time.Now().In(kolkata).AddDate(0, 0, 1).Format(time.DateOnly),
			"end": "P14D", "time_zone": "Asia/Kolkata", "time_of_day": "09:00-11:00", "max_slots": maxSlots}
		res := testenv.Call(t, ctx, c, "find_available_slots", args)
		require.False(t, res.IsError, testenv.Text(res))
		return args, res
	}

	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium)}
	for _, f := range testdeps.ChromiumFlags {
		name, val, hasVal := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasVal {
			opts = append(opts, chromedp.Flag(name, val))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	browser, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate("about:blank")))

	light := func(extra map[string]any) map[string]any {
		hc := map[string]any{"theme": "light", "locale": "en-GB", "platform": "web", "displayMode": "inline",
			"containerDimensions": map[string]any{"maxHeight": 4000}}
		for k, v := range extra {
			hc[k] = v
		}
		return hc
	}

	t.Run("handshake, Kolkata days and a booking by mouse", func(t *testing.T) {
		input, result := search(t, 12)
		h := newAppHost(t, jsDir, c, view, visible, hostConfig{HostContext: light(nil), Width: 560, ToolInput: input, ToolResult: result})
		page, frame := h.open(browser, 620)

		// The handshake: the view initialized before anything else.
		events := h.log(page)
		require.NotEmpty(t, events)
		assert.Equal(t, "initialized", events[0].Event)
		assert.Equal(t, "oncehub-slot-picker", events[0].AppInfo["name"])
		assert.Equal(t, []any{"inline"}, events[0].AppCapabilities["availableDisplayModes"])

		days := assertRenderedIn(t, frame, result, "Asia/Kolkata")
		zoneLine := evalIn[string](t, frame, `document.getElementById("zone").textContent`)
		assert.Contains(t, zoneLine, "Asia/Kolkata")
		assert.Contains(t, zoneLine, "India Standard Time")
		assert.NotContains(t, zoneLine, "searched in", "the host gave no zone: the search's zone is the person's")
		assert.Equal(t, "rgb(255, 255, 255)", evalIn[string](t, frame, `getComputedStyle(document.body).backgroundColor`), "light theme")
		assert.Zero(t, evalIn[int](t, frame, `performance.getEntriesByType("resource").length`), "the view loaded nothing")

		// The host sized the frame to the view.
		var sized *hostEvent
		for i := range events {
			if events[i].Event == "size-changed" {
				sized = &events[i]
			}
		}
		require.NotNil(t, sized, "the view reported its size")
		assert.Greater(t, sized.Height, 200.0)

		// Click the second slot of the first day, fill in the guest, pick Google Meet.
		slot := days[0].Slots[1]
		sel := chromedp.CSS(fmt.Sprintf(`.slot[data-start=%q]`, slot.Start))
		require.NoError(t, chromedp.Do(frame, chromedp.Click(sel), chromedp.WaitVisible(chromedp.CSS("#book"))))
		assert.Equal(t, "true", evalIn[string](t, frame, fmt.Sprintf(`document.querySelector('.slot[data-start=%q]').getAttribute("aria-pressed")`, slot.Start)))
		labels := evalIn[[]string](t, frame, `Array.from(document.querySelectorAll("#locations label")).map(l => l.textContent.trim())`)
		assert.Equal(t, []string{"Zoom (video)", "Google Meet (video)"}, labels, "the slot's location choices")
		assert.Contains(t, evalIn[string](t, frame, `document.getElementById("chosen-utc").textContent`), slot.Start, "the UTC start in small print")
		require.NoError(t, chromedp.Do(frame,
			chromedp.SendKeys(chromedp.CSS("#name"), "Asha Verma"),
			chromedp.SendKeys(chromedp.CSS("#email"), "asha.verma@example.com"),
			chromedp.Click(chromedp.CSS(`#locations input[value="1"]`)),
		))
		h.screenshot(page, frame, slotPickerShots[0])
		require.Empty(t, h.viewCalls(), "nothing is called before the person submits")
		require.NoError(t, chromedp.Do(frame, chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#done"))))

		calls := h.viewCalls()
		require.Len(t, calls, 1)
		assert.Equal(t, "schedule_meeting", calls[0].Name)
		assert.Equal(t, map[string]any{
			"booking_calendar_id": calendar, "start_time": slot.Start, "guest_time_zone": "Asia/Kolkata",
			"name": "Asha Verma", "email": "asha.verma@example.com",
			"location": map[string]any{"type": "virtual", "value": "google_meet"},
		}, calls[0].Arguments)

		// The booking is in the fake OnceHub.
		doneText := evalIn[string](t, frame, `document.getElementById("done").textContent`)
		id := evalIn[string](t, frame, `(document.querySelector('#done-details [data-field="booking"]') || {}).textContent || ""`)
		require.Regexp(t, `^BKNG-`, id, doneText)
		booked := fakeBooking(t, env, id)
		st, err := time.Parse(time.RFC3339, fmt.Sprint(booked["starting_time"]))
		require.NoError(t, err)
		assert.Equal(t, slot.Start, st.UTC().Format(time.RFC3339))
		assert.Equal(t, "scheduled", booked["status"])
		assert.Equal(t, calendar, booked["booking_calendar"])
		assert.Equal(t, "Asia/Kolkata", booked["customer_timezone"])
		assert.Equal(t, "google_meet", booked["location_description"])
		form := booked["form_submission"].(map[string]any)
		assert.Equal(t, "Asha Verma", form["name"])
		assert.Equal(t, "asha.verma@example.com", form["email"])
		assert.Contains(t, doneText, "Asia/Kolkata")
		assert.Contains(t, doneText, slot.Start)

		// The model is told what was booked.
		var told map[string]any
		for _, e := range h.log(page) {
			if e.Event == "ui/update-model-context" {
				told = e.Params
			}
		}
		require.NotNil(t, told, "ui/update-model-context was sent")
		text := told["content"].([]any)[0].(map[string]any)["text"].(string)
		assert.Contains(t, text, id)
		assert.Contains(t, text, slot.Start)
		assert.Contains(t, text, "Asia/Kolkata")
		assert.Contains(t, text, "Asha Verma")
		assert.Equal(t, id, told["structuredContent"].(map[string]any)["booking_id"])
	})

	t.Run("host time zone and dark theme", func(t *testing.T) {
		input, result := search(t, 12)
		h := newAppHost(t, jsDir, c, view, visible, hostConfig{Width: 560, ToolInput: input, ToolResult: result,
			HostContext: map[string]any{"theme": "dark", "locale": "en-GB", "timeZone": "America/New_York",
				"styles": map[string]any{"variables": map[string]any{
					"--color-background-primary": "#262624", "--color-text-primary": "#faf9f5",
				}}}})
		page, frame := h.open(browser, 620)
		// Kolkata mornings are New York evenings: the days regroup in the host's zone.
		assertRenderedIn(t, frame, result, "America/New_York")
		zoneLine := evalIn[string](t, frame, `document.getElementById("zone").textContent`)
		assert.Contains(t, zoneLine, "America/New_York")
		assert.Contains(t, zoneLine, "searched in Asia/Kolkata")
		assert.Equal(t, "rgb(38, 38, 36)", evalIn[string](t, frame, `getComputedStyle(document.body).backgroundColor`), "the host's background variable")
		assert.Equal(t, "rgb(250, 249, 245)", evalIn[string](t, frame, `getComputedStyle(document.body).color`), "the host's text variable")
		assert.Equal(t, "dark", evalIn[string](t, frame, `getComputedStyle(document.documentElement).colorScheme`))
		first := rendered(t, frame)[0].Slots[0]
		require.NoError(t, chromedp.Do(frame, chromedp.Click(chromedp.CSS(fmt.Sprintf(`.slot[data-start=%q]`, first.Start))),
			chromedp.SendKeys(chromedp.CSS("#name"), "Ravi Iyer"), chromedp.SendKeys(chromedp.CSS("#email"), "ravi.iyer@example.com")))
		h.screenshot(page, frame, slotPickerShots[1])

		// The host's context changes (the person moved): the view follows.
		_, err := chromedp.Run(page, chromedp.Evaluate[chromedp.Void](`harness.bridge.sendHostContextChange({timeZone: "Asia/Kolkata"})`))
		require.NoError(t, err)
		_, err = chromedp.Run(frame, chromedp.Poll[bool](`!document.getElementById("zone").textContent.includes("New_York")`, chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err)
		assertRenderedIn(t, frame, result, "Asia/Kolkata")
		chosen, err := time.Parse(time.RFC3339, first.Start)
		require.NoError(t, err)
		assert.Contains(t, evalIn[string](t, frame, `document.getElementById("chosen").textContent`), chosen.In(kolkata).Format("15:04"), "the chosen time, now in Kolkata")
	})

	t.Run("taken slot and a refused email are shown; nothing wrong is booked", func(t *testing.T) {
		input, result := search(t, 8)
		h := newAppHost(t, jsDir, c, view, visible, hostConfig{HostContext: light(nil), Width: 560, ToolInput: input, ToolResult: result})
		_, frame := h.open(browser, 620)
		days := rendered(t, frame)
		taken, next := days[0].Slots[0], days[0].Slots[1]
		takenAt, err := time.Parse(time.RFC3339, taken.Start)
		require.NoError(t, err)

		// Someone else books the first time while the view shows it.
		other := testenv.Object(t, testenv.Call(t, ctx, c, "schedule_meeting", map[string]any{
			"booking_calendar_id": calendar, "start_time": taken.Start, "guest_time_zone": "Europe/London",
			"name": "Someone Else", "email": "someone@example.org"}))
		require.Regexp(t, `^BKNG-`, other["booking_id"])

		require.NoError(t, chromedp.Do(frame,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`.slot[data-start=%q]`, taken.Start))),
			chromedp.SendKeys(chromedp.CSS("#name"), "Mei Lin"),
			chromedp.SendKeys(chromedp.CSS("#email"), "mei.lin@example.com"),
			chromedp.Click(chromedp.CSS("#submit")),
		))
		_, err = chromedp.Run(frame, chromedp.Poll[bool](`document.getElementById("status").classList.contains("error")`, chromedp.WithPollingTimeout(20*time.Second)))
		require.NoError(t, err)
		status := evalIn[string](t, frame, `document.getElementById("status").textContent`)
		assert.Contains(t, status, "just taken")
		assert.Contains(t, status, "nothing was booked")
		assert.True(t, evalIn[bool](t, frame, fmt.Sprintf(`document.querySelector('.slot[data-start=%q]').disabled`, taken.Start)), "the taken slot is struck out")
		assert.True(t, evalIn[bool](t, frame, `document.getElementById("book").hidden`), "back to choosing")
		assert.True(t, evalIn[bool](t, frame, `document.activeElement.classList.contains("slot") && !document.activeElement.disabled`), "focus on a time still free")
		owners := fakeBookingsAt(t, env, calendar, takenAt)
		require.Len(t, owners, 1, "still one booking at that time")
		assert.Equal(t, "Someone Else", owners[0]["form_submission"].(map[string]any)["name"])

		// An address the browser accepts but the server does not: the
		// server validates the view's call like any other, and the view
		// shows why; nothing reaches OnceHub.
		env.Fake.ResetRequests()
		require.NoError(t, chromedp.Do(frame, chromedp.Click(chromedp.CSS(fmt.Sprintf(`.slot[data-start=%q]`, next.Start)))))
		assert.Equal(t, "mei.lin@example.com", evalIn[string](t, frame, `document.getElementById("email").value`), "the guest's details stay for the next try")
		evalIn[string](t, frame, `document.getElementById("email").value = ""`)
		require.NoError(t, chromedp.Do(frame,
			chromedp.SendKeys(chromedp.CSS("#email"), "mei.lin@localhost"),
			chromedp.Click(chromedp.CSS("#submit")),
		))
		_, err = chromedp.Run(frame, chromedp.Poll[bool](`document.getElementById("form-error").textContent.length > 0`, chromedp.WithPollingTimeout(20*time.Second)))
		require.NoError(t, err)
		msg := evalIn[string](t, frame, `document.getElementById("form-error").textContent`)
		assert.Contains(t, msg, `"mei.lin@localhost" is not an email address`)
		assert.Zero(t, schedulePosts(env), "a refused call sends nothing to OnceHub")

		calls := h.viewCalls()
		require.Len(t, calls, 2)
		assert.Equal(t, taken.Start, args(calls[0])["start_time"])
		assert.Equal(t, next.Start, args(calls[1])["start_time"])
	})

	t.Run("an error result of the search is shown", func(t *testing.T) {
		input := map[string]any{"booking_calendar_id": "BKC-DOESNOTEXIST", "time_zone": "Asia/Kolkata"}
		result := testenv.Call(t, ctx, c, "find_available_slots", input)
		require.True(t, result.IsError)
		h := newAppHost(t, jsDir, c, view, visible, hostConfig{HostContext: light(nil), Width: 560, ToolInput: input, ToolResult: result})
		_, frame := h.open(browser, 620)
		status := evalIn[string](t, frame, `document.getElementById("status").textContent`)
		assert.Equal(t, testenv.Text(result), status, "the server's message, as it wrote it")
		assert.Contains(t, status, "No such booking calendar")
		assert.True(t, evalIn[bool](t, frame, `document.getElementById("status").classList.contains("error")`))
		assert.Zero(t, evalIn[int](t, frame, `document.querySelectorAll(".slot").length`))
		assert.Empty(t, h.viewCalls())

		// A result whose slots the view cannot read (no structuredContent,
		// text that is not its JSON) is not mistaken for "no free times".
		input, _ = search(t, 4)
		bare := &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent("Thu 3 Dec: 09:00, 09:30 (Asia/Kolkata)")}}
		h = newAppHost(t, jsDir, c, view, visible, hostConfig{HostContext: light(nil), Width: 560, ToolInput: input, ToolResult: bare})
		_, frame = h.open(browser, 620)
		status = evalIn[string](t, frame, `document.getElementById("status").textContent`)
		assert.Contains(t, status, "no free times the picker can read")
		assert.NotContains(t, status, "No free times in this window")
	})

	t.Run("keyboard only", func(t *testing.T) {
		input, result := search(t, 8)
		h := newAppHost(t, jsDir, c, view, visible, hostConfig{HostContext: light(nil), Width: 560, ToolInput: input, ToolResult: result})
		page, frame := h.open(browser, 620)
		days := rendered(t, frame)
		var all []renderedSlot
		for _, d := range days {
			all = append(all, d.Slots...)
		}
		require.GreaterOrEqual(t, len(all), 3)
		want := all[2]
		active := func() string {
			return evalIn[string](t, frame, `document.hasFocus() ? (document.activeElement.id || document.activeElement.dataset.start || document.activeElement.tagName) : ""`)
		}

		// Keys go to the page, as a person's do; Tab enters the view.
		require.NoError(t, chromedp.Do(page, chromedp.KeyEvent(kb.Tab)))
		assert.Equal(t, all[0].Start, active(), "Tab lands on the first time")
		require.NoError(t, chromedp.Do(page, chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight)))
		assert.Equal(t, want.Start, active(), "arrow keys move between times")
		require.NoError(t, chromedp.Do(page, chromedp.KeyEvent(kb.Enter)))
		assert.Equal(t, "name", active(), "choosing a time moves to the guest's name")
		require.NoError(t, chromedp.Do(page, chromedp.KeyEvent("Carrie Customer"), chromedp.KeyEvent(kb.Tab)))
		assert.Equal(t, "email", active())
		require.NoError(t, chromedp.Do(page, chromedp.KeyEvent("carrie@example.org"), chromedp.KeyEvent(kb.Enter)))
		_, err := chromedp.Run(frame, chromedp.Poll[bool](`!document.getElementById("done").hidden`, chromedp.WithPollingTimeout(20*time.Second)))
		require.NoError(t, err)
		assert.Equal(t, "done-title", active(), "focus moves to the confirmation")

		calls := h.viewCalls()
		require.Len(t, calls, 1)
		assert.Equal(t, want.Start, args(calls[0])["start_time"])
		assert.Equal(t, "Carrie Customer", args(calls[0])["name"])
		assert.Equal(t, map[string]any{"type": "virtual", "value": "zoom"}, args(calls[0])["location"], "the first location by default")
		at, err := time.Parse(time.RFC3339, want.Start)
		require.NoError(t, err)
		booked := fakeBookingsAt(t, env, calendar, at)
		require.Len(t, booked, 1)
		assert.Equal(t, "carrie@example.org", booked[0]["form_submission"].(map[string]any)["email"])
	})

	t.Run("320 px wide", func(t *testing.T) {
		input, result := search(t, 12)
		h := newAppHost(t, jsDir, c, view, visible, hostConfig{HostContext: light(map[string]any{"locale": "en-US"}),
			Width: 320, ToolInput: input, ToolResult: result})
		page, frame := h.open(browser, 360)
		assert.Equal(t, 320, evalIn[int](t, frame, `window.innerWidth`))
		assert.LessOrEqual(t, evalIn[int](t, frame, `document.documentElement.scrollWidth`), 320, "nothing sticks out sideways")
		widths := evalIn[[]float64](t, frame, `Array.from(document.querySelectorAll(".slot")).map(b => b.getBoundingClientRect().width)`)
		require.NotEmpty(t, widths)
		for _, w := range widths {
			assert.GreaterOrEqual(t, w, 70.0, "buttons stay big enough to tap and read")
		}
		assert.GreaterOrEqual(t, evalIn[int](t, frame,
			`new Set(Array.from(document.querySelector(".slots").children).map(b => b.getBoundingClientRect().left)).size`), 2, "several times per row")
		first := rendered(t, frame)[0].Slots[0]
		require.NoError(t, chromedp.Do(frame, chromedp.Click(chromedp.CSS(fmt.Sprintf(`.slot[data-start=%q]`, first.Start)))))
		h.screenshot(page, frame, slotPickerShots[2])
	})
}

// The README shows the screenshots the browser test takes
// (go test -run TestSlotPickerInBrowser -update-screenshots rewrites them).
func TestSlotPickerScreenshotsAreInTheReadme(t *testing.T) {
	t.Parallel()

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, path := range slotPickerShots {
		assert.True(t, strings.Contains(string(readme), `<img src="`+path+`"`), "the README shows %s", path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err, path)
		assert.Greater(t, img.Bounds().Dy(), 300, path)
	}
}

// The official Go SDK's client, as an independent implementation: declaring
// the extension (over stdio, where the session remembers it) gets the view;
// not declaring it gets no UI metadata.
func TestSlotPickerWithTheOfficialGoSDKClient(t *testing.T) {
	t.Parallel()

	env := testenv.New(t, func(s testenv.Setup) { s.Fake.Now = time.Now })
	connect := func(t *testing.T, caps *sdk.ClientCapabilities) *sdk.ClientSession {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.Command(testenv.Binary(t), "stdio")
		cmd.Env = append(os.Environ(), "ONCEHUB_API_URL="+env.APIURL, "ONCEHUB_API_KEY="+fakeoncehub.TestKey, "ONCEHUB_RATE_LIMIT=0", "ONCEHUB_IP_LIMIT=0")
		cl := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-test", Version: "1"}, &sdk.ClientOptions{Capabilities: caps})
		session, err := cl.Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = session.Close() })
		return session
	}
	linked := func(t *testing.T, session *sdk.ClientSession) any {
		t.Helper()
		tools, err := session.ListTools(context.Background(), nil)
		require.NoError(t, err)
		for _, tl := range tools.Tools {
			if tl.Name == "find_available_slots" {
				return tl.Meta["ui"]
			}
		}
		t.Fatal("find_available_slots is not listed")
		return nil
	}

	caps := &sdk.ClientCapabilities{}
	caps.AddExtension(tools.UIExtension, map[string]any{"mimeTypes": []string{tools.UIMIMEType}})
	ui := connect(t, caps)
	assert.Equal(t, map[string]any{"resourceUri": tools.SlotPickerURI}, linked(t, ui))
	assert.Contains(t, ui.InitializeResult().Capabilities.Extensions, tools.UIExtension)
	read, err := ui.ReadResource(context.Background(), &sdk.ReadResourceParams{URI: tools.SlotPickerURI})
	require.NoError(t, err)
	require.Len(t, read.Contents, 1)
	assert.Equal(t, tools.UIMIMEType, read.Contents[0].MIMEType)
	assert.Contains(t, read.Contents[0].Text, "<!DOCTYPE html>")
	assert.Equal(t, map[string]any{"prefersBorder": true}, read.Contents[0].Meta["ui"])
	listed, err := ui.ListResources(context.Background(), nil)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(listed.Resources, func(r *sdk.Resource) bool { return r.URI == tools.SlotPickerURI }))

	plain := connect(t, nil)
	assert.Nil(t, linked(t, plain))
	listed, err = plain.ListResources(context.Background(), nil)
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(listed.Resources, func(r *sdk.Resource) bool { return strings.HasPrefix(r.URI, "ui://") }))
}
