package board

// For the tests of package board_test.
var (
	OnelinerLines = onelinerLines
	StripSGR      = stripSGR
)
