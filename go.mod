module github.com/x84bbs/x84

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0
	go.uber.org/goleak v1.3.0
	golang.org/x/text v0.44.0
)
