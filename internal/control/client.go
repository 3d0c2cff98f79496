package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
)

// ErrNoServer means nothing answers on the control socket.
var ErrNoServer = errors.New("control: no x84 server is running")

// Client talks to a running server's control socket.
type Client struct {
	path string
	hc   *http.Client
}

// NewClient returns a client for the socket at path.
func NewClient(path string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}
	return &Client{path: path, hc: &http.Client{Transport: tr}}
}

// Who returns the live sessions.
func (c *Client) Who(ctx context.Context) ([]Who, error) {
	var out []Who
	return out, c.get(ctx, "/v1/who", &out)
}

// Stats returns the server's process figures; with gc set the server
// collects garbage first.
func (c *Client) Stats(ctx context.Context, gc bool) (Stats, error) {
	var out Stats
	path := "/v1/stats"
	if gc {
		path += "?gc=1"
	}
	return out, c.get(ctx, path, &out)
}

// StatsAtRest returns the server's process figures after it has
// collected garbage and given the freed pages back to the system, as a
// process at rest would have after some minutes.
func (c *Client) StatsAtRest(ctx context.Context) (Stats, error) {
	var out Stats
	return out, c.get(ctx, "/v1/stats?gc=release", &out)
}

func (c *Client) get(ctx context.Context, path string, v any) error {
	return c.do(ctx, http.MethodGet, path, nil, v)
}

// do sends a request with an optional JSON body and decodes the reply
// into v (when not nil).
func (c *Client) do(ctx context.Context, method, path string, body, v any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://x84"+path, rd)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("%w (no socket at %s)", ErrNoServer, c.path)
		}
		return fmt.Errorf("control: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e errorReply
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		return statusError(resp.StatusCode, e.Error)
	}
	if v == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("control: bad answer: %w", err)
	}
	return nil
}

// Broadcast shows a text to every session and returns how many it reached.
func (c *Client) Broadcast(ctx context.Context, text string) (int, error) {
	var out broadcastReply
	return out.Sessions, c.do(ctx, http.MethodPost, "/v1/broadcast", broadcastRequest{text}, &out)
}

// Close releases the client's idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }
