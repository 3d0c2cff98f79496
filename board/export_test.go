package board

// GrantFirstSysop is grantFirstSysop for the tests of package board_test.
var GrantFirstSysop = (*Board).grantFirstSysop

// For the tests of package board_test.
var (
	WaitText      = waitText
	OnelinerLines = onelinerLines
	StripSGR      = stripSGR
)
