package term

// SendSize puts s on ch, the channel behind a Conn's Resized, taking out
// first any size the receiver has not read yet, so that only the newest
// one waits. ch must have a buffer and SendSize must be its only sender:
// then it never blocks, and a protocol's reader may call it.
func SendSize(ch chan Size, s Size) {
	select {
	case <-ch:
	default:
	}
	ch <- s
}
