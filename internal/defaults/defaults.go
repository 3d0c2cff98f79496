// Package defaults fills in the settings a caller left unset, so that
// every constructor says its defaults in one line each.
package defaults

// Positive sets *v to d unless *v is above zero: an unset (zero) or
// meaningless (negative) limit, count or timeout takes its default.
func Positive[T ~int | ~int64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}
