package board

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/internal/xfer"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// protocol is a file transfer protocol a caller may choose.
type protocol struct {
	key   rune
	name  string
	batch bool // carries several files, with their names
}

var protocols = []protocol{
	{'z', "ZMODEM", true},
	{'y', "YMODEM batch", true},
	{'x', "XMODEM-1K", false},
	{'c', "XMODEM-CRC", false},
}

// chooseProtocol asks which protocol to use; ok is false when the
// caller backs out. Protocols without batches are offered for one file
// only.
func (c *Call) chooseProtocol(ctx context.Context, title string, files int, redraw func()) (protocol, bool, error) {
	var offer []string
	for _, p := range protocols {
		if p.batch || files == 1 {
			offer = append(offer, string(p.key), p.name)
		}
	}
	offer = append(offer, "Esc", c.T("transfer.key.cancel"))
	draw := func() {
		redraw()
		c.Say(c.Size().Rows-1, c.Theme.Text, title)
		c.Say(c.Size().Rows, "", c.KeyHelp(offer...))
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return protocol{}, false, err
		}
		if k.Code == term.KeyEscape || k.Code == term.KeyRune && (k.Rune == 'q' || k.Rune == 'Q') {
			return protocol{}, false, nil
		}
		for _, p := range protocols {
			if k.Code == term.KeyRune && (k.Rune == p.key || k.Rune == p.key-'a'+'A') && (p.batch || files == 1) {
				return p, true, nil
			}
		}
		if c.Accessible() { // the keys again, rather than silence
			c.Lines(c.noSuchKey(k), c.KeyHelp(offer...))
		}
	}
}

// transferIntro clears the screen and tells the caller what is about to
// happen: once the protocol starts, the screen is the protocol's.
func (c *Call) transferIntro(lines ...string) {
	if c.Accessible() {
		c.WriteString("\r\n")
		c.Lines(append(lines, c.T("transfer.cancel_hint"))...)
		return
	}
	var b strings.Builder
	b.WriteString(ui.ClearScreen + "\r\n")
	for _, l := range lines {
		b.WriteString(c.Theme.Text + " " + l + ui.Reset + "\r\n")
	}
	b.WriteString(c.Theme.Dim + " " + c.T("transfer.cancel_hint") + ui.Reset + "\r\n\r\n")
	c.WriteString(b.String())
}

// drain reads and drops what the caller's program still sends after a
// transfer (the tail of a cancelled one, ZMODEM's closing "OO"), so that
// it is not taken for keys, and so that the result is drawn once the
// program has given the screen back: until half a second passes
// quietly, for ten seconds at most.
func drain(t *session.Transfer) {
	stop := time.Now().Add(10 * time.Second)
	buf := make([]byte, 4096)
	for time.Now().Before(stop) {
		t.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		if _, err := t.Read(buf); err != nil {
			return
		}
	}
}

// outcome says how a transfer ended, for the result line.
func outcome(c *Call, err error) string {
	switch {
	case errors.Is(err, filearea.ErrTooLarge), errors.Is(err, filearea.ErrQuota):
		// The limit's size, when the file area's refusal names it.
		_, pairs, _ := files.MessageID(err)
		size := ""
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i] == "size" {
				size = pairs[i+1]
			}
		}
		quota := errors.Is(err, filearea.ErrQuota)
		switch {
		case size != "" && quota:
			return c.T("transfer.why.quota_of", "size", size)
		case size != "":
			return c.T("transfer.why.too_large_of", "size", size)
		case quota:
			return c.T("transfer.why.quota")
		}
		return c.T("transfer.why.too_large")
	case errors.Is(err, filearea.ErrMaxFiles):
		return c.fileReason(err)
	case errors.Is(err, xfer.ErrCancelled):
		return c.T("transfer.why.cancelled")
	case errors.Is(err, xfer.ErrTimeout):
		return c.T("transfer.why.timeout")
	case errors.Is(err, xfer.ErrRetries):
		return c.T("transfer.why.retries")
	case errors.Is(err, xfer.ErrTooLarge):
		return c.T("transfer.why.size_limit")
	case errors.Is(err, xfer.ErrProtocol):
		return c.T("transfer.why.protocol")
	}
	return c.T("transfer.why.failed")
}

// webLinks answers a download in the browser terminal, which cannot
// take a transfer protocol: a one-time HTTPS link for each file.
func (c *Call) webLinks(ctx context.Context, br *files.Browser, paths []string) (string, bool, error) {
	addr := netip.IPv6Unspecified()
	if ap, err := netip.ParseAddrPort(c.Info().RemoteAddr.String()); err == nil {
		addr = ap.Addr()
	}
	// One link per file, as many as the window shows and an account
	// may hold at once; the caller asks again for the rest.
	more := 0
	if n := min(files.MaxLinks, max(1, c.Size().Rows-6)); len(paths) > n {
		paths, more = paths[:n], len(paths)-n
	}
	var lines, plain []string
	for _, p := range paths {
		token, err := br.Link(p, addr)
		if err != nil {
			return c.fileReason(err), true, nil
		}
		url := "/files/" + token
		name := clean(p[strings.LastIndexByte(p, '/')+1:])
		// OSC 8 makes the name a link the browser terminal opens.
		lines = append(lines, "\x1b]8;;"+url+"\x1b\\"+c.Theme.Value+name+ui.Reset+"\x1b]8;;\x1b\\  "+c.Theme.Dim+url+ui.Reset)
		plain = append(plain, name+": "+url)
	}
	lifetime := durationIn(c.Lang(), c.Board.cfg.Files.LinkLifetime())
	draw := func() {
		if c.Accessible() {
			c.WriteString("\r\n")
			c.Line(c.T("transfer.links_plain", "lifetime", lifetime))
			c.Lines(plain...)
			if more > 0 {
				c.Line(c.N("transfer.links_more", more))
			}
			return
		}
		c.WriteString(ui.ClearScreen)
		c.Say(1, c.Theme.Title, c.T("transfer.links_title"))
		c.Say(2, c.Theme.Text, c.T("transfer.links_help", "lifetime", lifetime))
		for i, l := range lines {
			c.WriteString(ui.MoveTo(4+i, 2) + l)
		}
		if more > 0 {
			c.Say(c.Size().Rows-1, c.Theme.Text, c.N("transfer.links_more", more))
		}
		c.Say(c.Size().Rows, "", c.KeyHelp(c.Theme.Strings.AnyKey, c.Theme.Strings.Back))
	}
	draw()
	return "", false, c.AnyKey(ctx, draw)
}

// sendFiles downloads files to the caller by the protocol the caller
// picks, and returns the line saying how it went.
func (c *Call) sendFiles(ctx context.Context, br *files.Browser, paths []string) (msg string, isErr bool, err error) {
	if c.Info().Kind == term.KindWeb {
		return c.webLinks(ctx, br, paths)
	}
	bt, err := br.Prepare(paths)
	if err != nil {
		return c.fileReason(err), true, nil
	}
	defer bt.Release() // if it is not sent after all
	what := c.T("transfer.what", "files", c.N("files.count", len(bt.Files)), "size", c.size(bt.Total))
	p, ok, err := c.chooseProtocol(ctx, c.T("transfer.download_ask", "what", what), len(bt.Files), func() {})
	if err != nil || !ok {
		return "", false, err
	}
	c.SetActivityMessage("activity.downloading", "protocol", p.name)
	c.transferIntro(c.T("transfer.sending", "what", what, "protocol", p.name),
		c.T("transfer.start_download"))
	t, err := c.StartTransfer(ctx)
	if err != nil {
		return c.T("transfer.no_transfer"), true, nil
	}
	start := time.Now()
	opts := xfer.Options{StartTimeout: c.Board.cfg.Files.TransferTimeout()}
	var sent []xfer.File
	var n int64
	switch p.key {
	case 'z':
		sent, n, err = sendZ(ctx, t, bt.Files, opts)
	case 'y':
		n, err = xfer.SendY(ctx, t, bt.Files, opts)
		if err == nil {
			sent = filesOf(bt.Files)
		}
	default:
		var rc io.ReadCloser
		if rc, err = bt.Files[0].Open(); err == nil {
			opts.OneK = p.key == 'x'
			n, err = xfer.SendX(ctx, t, rc, opts)
			rc.Close()
		}
		if err == nil {
			sent = filesOf(bt.Files)
		}
	}
	drain(t)
	t.End()
	bt.Done(sent) // what went whole counts, even if the caller hung up
	if SessionOver(ctx, err) {
		return "", false, err
	}
	took := time.Since(start)
	c.Board.log.Info("files: download", "user", c.User.Handle, "protocol", p.name, "files", len(sent),
		"of", len(bt.Files), "bytes", n, "took", took.Round(time.Millisecond), "err", errText(err))
	if err != nil {
		return c.T("transfer.download_stopped", "why", outcome(c, err),
			"sent", c.N("files.count", len(sent)), "total", c.N("files.count", len(bt.Files))), true, nil
	}
	return c.T("transfer.sent", "files", c.N("files.count", len(sent)), "size", c.size(n), "protocol", p.name,
		"took", durationIn(c.Lang(), took)), false, nil
}

// durationIn says d in the language of p, in whole seconds ("3
// seconds", at least one), or in whole minutes from two minutes on, or
// for a whole number of minutes ("10 minutes").
func durationIn(p *lang.Printer, d time.Duration) string {
	if d >= 2*time.Minute || d >= time.Minute && d%time.Minute == 0 {
		return p.N("transfer.minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return p.N("transfer.seconds", max(1, int(d.Round(time.Second)/time.Second)))
}

// refused says the files an upload refused, each with why, in the
// caller's language.
func (c *Call) refused(rs []files.Refusal) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		why, ok := fileReasonIn(c.Lang(), r.Err)
		if !ok {
			c.Board.log.Error("files: upload refused", "user", c.User.Handle, "file", r.Name, "err", errText(r.Err))
			why = c.T("files.error.failed")
		}
		parts[i] = c.T("transfer.refused_file", "name", r.Name, "why", why)
	}
	return c.T("transfer.refused", "files", strings.Join(parts, "; "))
}

// errText is an error for the log, cut short: a transfer's errors may
// quote what the caller's program sent.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return logcap.Cut(err.Error(), 256)
}

func filesOf(out []xfer.Outgoing) []xfer.File {
	fs := make([]xfer.File, len(out))
	for i, o := range out {
		fs[i] = o.File
	}
	return fs
}

// sendZ sends by ZMODEM and returns the files that reached the end: a
// receiver may skip a file (one it has whole already), and the batch
// goes on.
func sendZ(ctx context.Context, t *session.Transfer, out []xfer.Outgoing, opts xfer.Options) ([]xfer.File, int64, error) {
	whole := map[string]bool{}
	opts.Progress = func(name string, done, size int64) {
		if done == size {
			whole[name] = true
		}
	}
	n, err := xfer.SendZ(ctx, t, out, opts)
	var sent []xfer.File
	for _, o := range out {
		if whole[o.Name] {
			sent = append(sent, o.File)
		}
	}
	return sent, n, err
}

// receiveFiles takes an upload into the upload folder by the protocol
// the caller picks, and returns the line saying how it went.
func (c *Call) receiveFiles(ctx context.Context, br *files.Browser, area files.Area) (msg string, isErr bool, err error) {
	r, err := br.Receive(area)
	if err != nil {
		return c.fileReason(err), true, nil
	}
	if c.Info().Kind == term.KindWeb {
		return c.T("transfer.web_upload"), true, nil
	}
	p, ok, err := c.chooseProtocol(ctx, c.T("transfer.upload_ask"), 1, func() {})
	if err != nil || !ok {
		return "", false, err
	}
	var name string
	if !p.batch {
		// XMODEM carries no name: ask for it.
		name, err = c.Ask(ctx, 0, c.T("transfer.name_prompt")+" ", &ui.Field{Max: 64}, func() {})
		if errors.Is(err, ui.ErrCancel) || strings.TrimSpace(name) == "" {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		name = strings.TrimSpace(name)
	}
	// XMODEM's one file is made before the transfer starts, so that a
	// name refused is said before the caller's program starts sending.
	var xw io.WriteCloser
	if !p.batch {
		if xw, err = r.Create(xfer.File{Name: name, Size: -1}); err != nil {
			r.Finish(nil, err)
			return c.refused(r.Refusals), true, nil
		}
	}
	c.SetActivityMessage("activity.uploading", "protocol", p.name)
	c.transferIntro(c.T("transfer.receiving", "protocol", p.name),
		c.T("transfer.start_upload"),
		c.T("transfer.review_note"))
	t, err := c.StartTransfer(ctx)
	if err != nil {
		return c.T("transfer.no_transfer"), true, nil
	}
	start := time.Now()
	opts := xfer.Options{StartTimeout: c.Board.cfg.Files.TransferTimeout()}
	var got []xfer.File
	switch p.key {
	case 'z':
		got, err = xfer.ReceiveZ(ctx, t, r.Create, opts)
	case 'y':
		got, err = xfer.ReceiveY(ctx, t, r.Create, opts)
	default:
		if _, err = xfer.ReceiveX(ctx, t, xw, opts); err == nil {
			got = []xfer.File{{Name: name}}
		}
	}
	drain(t)
	t.End()
	ferr := r.Finish(got, err)
	if SessionOver(ctx, err) {
		return "", false, err
	}
	c.Board.log.Info("files: upload", "user", c.User.Handle, "protocol", p.name, "files", len(r.Created),
		"refused", len(r.Refused), "took", time.Since(start).Round(time.Millisecond), "err", errText(err), "commit_err", errText(ferr))
	var parts []string
	if len(r.Created) > 0 {
		parts = append(parts, c.T("transfer.received", "files", clean(strings.Join(r.Created, ", "))))
	}
	if len(r.Refused) > 0 {
		parts = append(parts, c.refused(r.Refusals))
	}
	if err != nil {
		parts = append(parts, c.T("transfer.upload_stopped", "why", outcome(c, err)))
	}
	if len(parts) == 0 {
		parts = append(parts, c.T("transfer.nothing"))
	}
	return strings.Join(parts, " "), err != nil || len(r.Refused) > 0 || ferr != nil, nil
}
