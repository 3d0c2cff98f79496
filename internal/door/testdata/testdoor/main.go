// Command testdoor is a door for x84's tests. It shows what a door sees:
//
//	testdoor echo            prints its environment and window size, then
//	                         every byte it reads as hex; a resize prints
//	                         the new size; 'q' quits with status 3
//	testdoor dropfile PATH   prints each line of the dropfile, then echoes
//	testdoor cp437           prints a CP437 box, then echoes
//	testdoor orphan          starts a child in another process group that
//	                         ignores SIGHUP, prints its pid, then echoes
//	testdoor flood N         writes N lines as fast as it can, then exits
//	testdoor deaf            reads nothing and never ends
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testdoor echo|dropfile PATH|cp437|orphan|flood N|deaf|sleeper")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "echo":
		echo()
	case "dropfile":
		f, err := os.Open(os.Args[2])
		if err != nil {
			fmt.Printf("DROPFILE ERROR %v\r\n", err)
			os.Exit(1)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			fmt.Printf("L%d=[%s]\r\n", n, strings.TrimRight(sc.Text(), "\r"))
		}
		fmt.Printf("DROPFILE END\r\n")
		echo()
	case "cp437":
		os.Stdout.Write([]byte("BOX \xc9\xcd\xbb \x82t\x82\r\n"))
		echo()
	case "orphan":
		c := exec.Command(os.Args[0], "sleeper")
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		c.Stdout = os.Stdout
		if err := c.Start(); err != nil {
			fmt.Printf("ORPHAN ERROR %v\r\n", err)
			os.Exit(1)
		}
		fmt.Printf("CHILD %d\r\n", c.Process.Pid)
		echo()
	case "sleeper":
		signal.Ignore(syscall.SIGHUP, syscall.SIGTERM)
		time.Sleep(time.Hour)
	case "flood":
		var n int
		fmt.Sscan(os.Args[2], &n)
		w := bufio.NewWriterSize(os.Stdout, 32<<10)
		for i := range n {
			fmt.Fprintf(w, "flood line %08d ................................................\r\n", i)
		}
		fmt.Fprintf(w, "FLOOD END\r\n")
		w.Flush()
	case "deaf":
		signal.Ignore(syscall.SIGHUP)
		term.MakeRaw(0) // input piles up in the pty instead of being cut at a line's length
		fmt.Printf("DEAF\r\n")
		time.Sleep(time.Hour)
	}
}

// echo reports the door's environment, then what it reads and resizes.
func echo() {
	old, err := term.MakeRaw(0)
	if err != nil {
		fmt.Printf("RAW ERROR %v\r\n", err)
		os.Exit(1)
	}
	defer term.Restore(0, old)
	// Before READY: a resize right after it must not be lost.
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	cols, rows, _ := term.GetSize(0)
	if g := os.Getenv("DOOR_GREETING"); g != "" {
		fmt.Printf("GREETING %s\r\n", g)
	}
	fmt.Printf("PID %d\r\n", os.Getpid())
	fmt.Printf("READY size=%dx%d env=%d,%d term=%s lang=%s node=%s handle=%s home=%s\r\n",
		cols, rows, envInt("COLUMNS"), envInt("LINES"), os.Getenv("TERM"), os.Getenv("LANG"),
		os.Getenv("X84_NODE"), os.Getenv("X84_HANDLE"), os.Getenv("HOME"))
	go func() {
		for range winch {
			c, r, _ := term.GetSize(0)
			fmt.Printf("SIZE %dx%d\r\n", c, r)
		}
	}()
	buf := make([]byte, 256)
	for {
		n, err := os.Stdin.Read(buf)
		if err != nil {
			return
		}
		fmt.Printf("GOT %x\r\n", buf[:n])
		if strings.IndexByte(string(buf[:n]), 'q') >= 0 {
			term.Restore(0, old)
			os.Exit(3)
		}
	}
}

func envInt(name string) int {
	var n int
	fmt.Sscan(os.Getenv(name), &n)
	return n
}
