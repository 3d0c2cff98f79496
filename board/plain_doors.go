package board

import "github.com/x84bbs/x84/ui"

// startDoorScreen clears the screen for a door, and returns what to do
// when it ends. In accessible mode it warns instead: a door is a program
// of its own, which draws full screens as it always has (unless it reads
// the drop file, which says the caller has no ANSI); when it ends, a
// line says so.
func (c *Call) startDoorScreen(name string) (end func()) {
	if c.Accessible() {
		c.Line(c.T("doors.plain_warning", "door", name))
		return func() { c.WriteString("\r\n" + plainLine(c.T("doors.plain_back", "door", name))) }
	}
	c.WriteString(ui.Reset + ui.ClearScreen)
	return func() {}
}
