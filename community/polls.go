package community

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Poll limits, in characters.
const (
	QuestionMax = 100
	AnswerMax   = 48
)

// ErrTooFewAnswers means a poll was offered fewer than two answers.
var ErrTooFewAnswers = errors.New("community: a poll needs at least two answers")

// Polls is the voting booth: the sysop asks, everyone with an account
// votes, and may change their mind.
type Polls struct {
	store store.Polls
	bus   events.Bus
	log   *slog.Logger
}

// List returns every poll, newest first.
func (p *Polls) List(ctx context.Context) ([]store.Poll, error) {
	list, err := p.store.Polls(ctx)
	if err != nil {
		return nil, fmt.Errorf("community: %w", err)
	}
	return list, nil
}

// Results returns the votes for each answer of a poll, and the answer u
// chose (-1 if none). A poll that is gone is store.ErrNotFound.
func (p *Polls) Results(ctx context.Context, poll int64, u *store.User) (counts []int, mine int, err error) {
	handle := ""
	if !anonymous(u) {
		handle = u.Handle
	}
	counts, mine, err = p.store.Results(ctx, poll, handle)
	if err != nil {
		return nil, -1, fmt.Errorf("community: %w", err)
	}
	return counts, mine, nil
}

// Vote records u's answer (an index into the poll's answers) from the
// session on node, replacing an earlier vote, and tells the screens that
// show the poll. It returns ErrAnonymous, store.ErrNotFound for a poll
// that is gone, or ErrNotAllowed for an answer the poll has not.
func (p *Polls) Vote(ctx context.Context, u *store.User, node int, poll int64, answer int) error {
	if anonymous(u) {
		return ErrAnonymous
	}
	q, err := p.store.Poll(ctx, poll)
	if err != nil {
		return fmt.Errorf("community: %w", err)
	}
	if answer < 0 || answer >= len(q.Options) {
		return ErrNotAllowed
	}
	if err := p.store.Vote(ctx, poll, u.Handle, answer); err != nil {
		return fmt.Errorf("community: %w", err)
	}
	p.bus.Publish(events.Event{Topic: events.TopicVote, Data: events.VoteChanged{Poll: poll, Node: node}})
	return nil
}

// Create asks a question with 2 to store.MaxPollOptions answers, for a
// sysop (ErrNotAllowed for others). Terminal control sequences are
// stripped and empty answers dropped; it returns ErrEmpty for an empty
// question, ErrTooFewAnswers, or ErrTooLong.
func (p *Polls) Create(ctx context.Context, u *store.User, question string, answers []string) (*store.Poll, error) {
	if anonymous(u) || !u.InGroup(store.GroupSysop) {
		return nil, ErrNotAllowed
	}
	question = strings.TrimSpace(term.Sanitize(question))
	var opts []string
	for _, a := range answers {
		if a = strings.TrimSpace(term.Sanitize(a)); a != "" {
			opts = append(opts, a)
		}
	}
	switch {
	case question == "":
		return nil, ErrEmpty
	case len(opts) < 2:
		return nil, ErrTooFewAnswers
	case len(opts) > store.MaxPollOptions || utf8.RuneCountInString(question) > QuestionMax:
		return nil, ErrTooLong
	}
	for _, a := range opts {
		if utf8.RuneCountInString(a) > AnswerMax {
			return nil, ErrTooLong
		}
	}
	poll := &store.Poll{Question: question, Options: opts, Author: u.Handle, Created: time.Now()}
	if err := p.store.CreatePoll(ctx, poll); err != nil {
		return nil, fmt.Errorf("community: %w", err)
	}
	p.log.Info("poll created", "id", poll.ID, "by", u.Handle)
	return poll, nil
}

// Delete removes a poll and its votes, for a sysop (ErrNotAllowed for
// others) on node; a poll already gone is no error.
func (p *Polls) Delete(ctx context.Context, u *store.User, node int, poll int64) error {
	if anonymous(u) || !u.InGroup(store.GroupSysop) {
		return ErrNotAllowed
	}
	if err := p.store.DeletePoll(ctx, poll); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("community: %w", err)
	}
	p.log.Info("poll deleted", "id", poll, "by", u.Handle)
	p.bus.Publish(events.Event{Topic: events.TopicVote, Data: events.VoteChanged{Poll: poll, Node: node}})
	return nil
}
