package script

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// The runtime can be interrupted only between JavaScript instructions,
// never inside a built-in function, and a few built-ins can make a huge
// value, or loop over a huge length, in a single call: "x".repeat(2**30)
// allocates a gigabyte, new Array(2**32-1).join("") loops for minutes,
// JSON.stringify of an array that holds itself twice, thirty levels
// deep, writes gigabytes. guardBuiltins wraps those with checks made
// before the call, which throw a RangeError instead; the checks are
// bounds on sizes, not on time, so they cost little. See the package
// comment for what is left unguarded.

// maxNesting is how deep the guards look into arrays and objects; deeper
// values are refused, as JSON.stringify and join would recurse that deep
// in Go.
const maxNesting = 1000

// guard holds the bounds the checks use, derived from Limits.MemoryMiB.
type guard struct {
	r        *run
	maxChars int64 // the longest string a built-in may make, in UTF-16 units
	maxLen   int64 // the longest array a built-in may walk or make
	maxBytes int64 // the largest ArrayBuffer or typed array
}

// arrayMethods are the methods of Array.prototype that walk the whole
// array, or make one as long: each refuses an array longer than maxLen.
// (push, pop and at take constant time.)
var arrayMethods = [...]string{
	"concat", "copyWithin", "entries", "every", "fill", "filter", "find", "findIndex", "findLast",
	"findLastIndex", "flat", "flatMap", "forEach", "includes", "indexOf", "join", "keys", "lastIndexOf",
	"map", "reduce", "reduceRight", "reverse", "shift", "slice", "some", "sort", "splice",
	"toLocaleString", "toReversed", "toSorted", "toSpliced", "toString", "unshift", "values", "with",
}

// typedArrays are the constructors whose size is checked.
var typedArrays = [...]string{
	"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
	"Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
}

func (r *run) guardBuiltins() error {
	mem := int64(r.e.cfg.Limits.MemoryMiB) << 20
	g := &guard{r: r, maxChars: mem / 2, maxLen: mem / 16, maxBytes: mem}
	vm := r.vm
	global := vm.GlobalObject()
	object := func(name string) (*goja.Object, error) {
		o, ok := global.Get(name).(*goja.Object)
		if !ok {
			return nil, fmt.Errorf("script: the runtime has no %s", name)
		}
		return o, nil
	}
	str, err := object("String")
	if err != nil {
		return err
	}
	strProto := str.Get("prototype").(*goja.Object)
	if err := g.wrap(strProto, "repeat", g.checkRepeat); err != nil {
		return err
	}
	for _, name := range []string{"padStart", "padEnd"} {
		if err := g.wrap(strProto, name, g.checkPad); err != nil {
			return err
		}
	}
	if err := g.wrapCall(strProto, "concat", g.prepConcat); err != nil {
		return err
	}
	for _, name := range []string{"replace", "replaceAll"} {
		if err := g.wrapCall(strProto, name, g.prepReplace); err != nil {
			return err
		}
	}
	if err := g.wrap(strProto, "split", g.checkSplit); err != nil {
		return err
	}
	if err := g.wrapSymbol(strProto, goja.SymIterator, g.checkThisChars); err != nil {
		return err
	}
	if err := g.wrap(str, "raw", g.checkRaw); err != nil {
		return err
	}
	objectCtor, err := object("Object")
	if err != nil {
		return err
	}
	for _, name := range []string{"keys", "values", "entries", "getOwnPropertyNames"} {
		if err := g.wrap(objectCtor, name, g.checkArgChars); err != nil {
			return err
		}
	}
	arr, err := object("Array")
	if err != nil {
		return err
	}
	arrProto := arr.Get("prototype").(*goja.Object)
	for _, name := range arrayMethods {
		check := g.checkThisLength
		switch name {
		case "concat":
			check = g.checkConcat
		case "join", "toString", "toLocaleString":
			check = g.checkJoin
		case "flat":
			check = g.checkFlat
		}
		if arrProto.Get(name) == nil {
			continue // not in this version of the runtime
		}
		if err := g.wrap(arrProto, name, check); err != nil {
			return err
		}
	}
	if err := g.wrapSymbol(arrProto, goja.SymIterator, g.checkThisLength); err != nil {
		return err
	}
	if err := g.wrap(arr, "from", g.checkFrom); err != nil {
		return err
	}
	fn, err := object("Function")
	if err != nil {
		return err
	}
	if err := g.wrap(fn.Get("prototype").(*goja.Object), "apply", g.checkArgList(1)); err != nil {
		return err
	}
	reflect, err := object("Reflect")
	if err != nil {
		return err
	}
	if err := g.wrap(reflect, "apply", g.checkArgList(2)); err != nil {
		return err
	}
	if err := g.wrap(reflect, "construct", g.checkArgList(1)); err != nil {
		return err
	}
	json, err := object("JSON")
	if err != nil {
		return err
	}
	if err := g.wrap(json, "stringify", g.checkStringify); err != nil {
		return err
	}
	// The typed arrays' methods are their own, on a prototype they share;
	// only the text they make can be larger than the array.
	if u8, ok := global.Get("Uint8Array").(*goja.Object); ok {
		if typedProto := u8.Get("prototype").(*goja.Object).Prototype(); typedProto != nil {
			for _, name := range []string{"join", "toString", "toLocaleString"} {
				if err := g.wrap(typedProto, name, g.checkJoin); err != nil {
					return err
				}
			}
		}
	}
	for _, name := range append([]string{"ArrayBuffer", "SharedArrayBuffer"}, typedArrays[:]...) {
		if c, ok := global.Get(name).(*goja.Object); ok {
			if err := global.Set(name, g.sizedConstructor(c)); err != nil {
				return err
			}
		}
	}
	return nil
}

// wrap replaces the method name of o with one that runs check first.
// The replacement is, like the built-in, writable, configurable and not
// enumerable.
func (g *guard) wrap(o *goja.Object, name string, check func(goja.FunctionCall)) error {
	orig, ok := goja.AssertFunction(o.Get(name))
	if !ok {
		return fmt.Errorf("script: the runtime has no function %s", name)
	}
	return o.DefineDataProperty(name, g.r.vm.ToValue(g.checked(orig, check)), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

func (g *guard) wrapSymbol(o *goja.Object, sym *goja.Symbol, check func(goja.FunctionCall)) error {
	orig, ok := goja.AssertFunction(o.GetSymbol(sym))
	if !ok {
		return fmt.Errorf("script: the runtime has no function %s", sym)
	}
	return o.DefineDataPropertySymbol(sym, g.r.vm.ToValue(g.checked(orig, check)), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// wrapCall is wrap for a check that also gives the arguments orig gets
// (converted to strings, say, so that what is checked is what is used).
func (g *guard) wrapCall(o *goja.Object, name string, prep func(goja.FunctionCall) []goja.Value) error {
	orig, ok := goja.AssertFunction(o.Get(name))
	if !ok {
		return fmt.Errorf("script: the runtime has no function %s", name)
	}
	f := func(call goja.FunctionCall) goja.Value {
		args := prep(call)
		v, err := orig(call.This, args...)
		if err != nil {
			panic(err)
		}
		return v
	}
	return o.DefineDataProperty(name, g.r.vm.ToValue(f), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// checked calls orig after check. What orig throws passes through as it
// was thrown, and so does an interruption (which the script cannot catch).
func (g *guard) checked(orig goja.Callable, check func(goja.FunctionCall)) apiFunc {
	return func(call goja.FunctionCall) goja.Value {
		check(call)
		v, err := orig(call.This, call.Arguments...)
		if err != nil {
			panic(err)
		}
		return v
	}
}

// tooLarge throws the RangeError a script gets for a value over a bound.
func (g *guard) tooLarge(what string) {
	ctor, ok := g.r.vm.GlobalObject().Get("RangeError").(*goja.Object)
	if ok {
		if o, err := g.r.vm.New(ctor, g.r.vm.ToValue(what+": too large for a script")); err == nil {
			panic(o)
		}
	}
	g.r.throw(what + ": too large for a script")
}

// number is v as a number, 0 for NaN.
func number(v goja.Value) float64 {
	if v == nil || goja.IsUndefined(v) {
		return 0
	}
	f := v.ToFloat()
	if math.IsNaN(f) {
		return 0
	}
	return f
}

// length is the length property of v, 0 if it has none.
func length(v goja.Value) float64 {
	o, ok := v.(*goja.Object)
	if !ok {
		return 0
	}
	return number(o.Get("length"))
}

// textLength bounds the length of v as a string in UTF-16 units, without
// converting an object (which could run its toString).
func textLength(v goja.Value) float64 {
	if v == nil {
		return 0
	}
	if _, ok := v.(*goja.Object); ok {
		return 0
	}
	return float64(len(v.String())) // UTF-8 bytes: never fewer than UTF-16 units
}

// "x".repeat(n): the result is length × n long.
func (g *guard) checkRepeat(call goja.FunctionCall) {
	if textLength(call.This)*number(call.Argument(0)) > float64(g.maxChars) {
		g.tooLarge("String.prototype.repeat")
	}
}

// "x".padStart(n): the result is n long.
func (g *guard) checkPad(call goja.FunctionCall) {
	if number(call.Argument(0)) > float64(g.maxChars) {
		g.tooLarge("String.prototype.padStart")
	}
}

func (g *guard) checkThisLength(call goja.FunctionCall) {
	if length(call.This) > float64(g.maxLen) {
		g.tooLarge("an array of " + strconv.FormatFloat(length(call.This), 'f', -1, 64) + " elements")
	}
}

func (g *guard) checkConcat(call goja.FunctionCall) {
	n := length(call.This)
	for _, a := range call.Arguments {
		n += max(length(a), 1)
	}
	if n > float64(g.maxLen) {
		g.tooLarge("Array.prototype.concat")
	}
}

// Array.from(arrayLike): as long as arrayLike says it is.
func (g *guard) checkFrom(call goja.FunctionCall) {
	if length(call.Argument(0)) > float64(g.maxLen) {
		g.tooLarge("Array.from")
	}
}

// f.apply(this, args), Reflect.apply(f, this, args), Reflect.construct(f,
// args): every element of args becomes an argument.
func (g *guard) checkArgList(i int) func(goja.FunctionCall) {
	return func(call goja.FunctionCall) {
		if length(call.Argument(i)) > float64(g.maxLen) {
			g.tooLarge("an argument list")
		}
	}
}

// join and toString: the text made from the array, its nested arrays
// joined in turn, is estimated before it is made.
func (g *guard) checkJoin(call goja.FunctionCall) {
	sep := 1.0
	if s := call.Argument(0); !goja.IsUndefined(s) {
		sep = textLength(s)
	}
	budget := float64(g.maxChars)
	if !g.joinFits(call.This, sep, &budget, 0) {
		g.tooLarge("Array.prototype.join")
	}
}

// joinFits takes from budget the length of v joined with sep, and
// reports whether it lasted. Elements that are neither strings nor
// arrays count as short: their own toString runs in JavaScript.
func (g *guard) joinFits(v goja.Value, sep float64, budget *float64, depth int) bool {
	o, ok := v.(*goja.Object)
	if !ok {
		return true
	}
	n := length(o)
	if depth > maxNesting || n > float64(g.maxLen) {
		return false
	}
	*budget -= n * sep
	for i := int64(0); i < int64(n) && *budget >= 0; i++ {
		e := o.Get(strconv.FormatInt(i, 10))
		switch e := e.(type) {
		case *goja.Object:
			if e.ClassName() == "Array" && !g.joinFits(e, 1, budget, depth+1) {
				return false
			}
			*budget -= 16
		default:
			*budget -= textLength(e)
		}
	}
	return *budget >= 0
}

// JSON.stringify: the text is estimated before it is made, from the
// value's own enumerable properties (not what toJSON methods or a
// replacer would give instead), each shared part counted as often as it
// is reached. Spacing is counted as ten characters a property.
func (g *guard) checkStringify(call goja.FunctionCall) {
	budget := float64(g.maxChars)
	if !g.stringifyFits(call.Argument(0), &budget, 0) {
		g.tooLarge("JSON.stringify")
	}
}

func (g *guard) stringifyFits(v goja.Value, budget *float64, depth int) bool {
	o, ok := v.(*goja.Object)
	if !ok {
		*budget -= textLength(v) + 2
		return *budget >= 0
	}
	if depth > maxNesting {
		return false
	}
	if o.ClassName() == "Array" {
		n := length(o)
		if n > float64(g.maxLen) {
			return false
		}
		for i := int64(0); i < int64(n); i++ {
			*budget -= 10
			if *budget < 0 || !g.stringifyFits(o.Get(strconv.FormatInt(i, 10)), budget, depth+1) {
				return false
			}
		}
		return true
	}
	if o.ClassName() == "Function" {
		return true
	}
	for _, k := range o.Keys() {
		*budget -= float64(len(k)) + 10
		if *budget < 0 || !g.stringifyFits(o.Get(k), budget, depth+1) {
			return false
		}
	}
	return true
}

// sizedConstructor returns ctor (ArrayBuffer, a typed array) behind a
// proxy that refuses to make one larger than maxBytes; instanceof and
// the static methods work through the proxy as on ctor.
func (g *guard) sizedConstructor(ctor *goja.Object) goja.Value {
	unit := max(number(ctor.Get("BYTES_PER_ELEMENT")), 1)
	check := func(args []goja.Value) {
		if len(args) == 0 {
			return
		}
		n := length(args[0])
		if _, ok := args[0].(*goja.Object); !ok {
			n = number(args[0])
		}
		if n*unit > float64(g.maxBytes) {
			g.tooLarge(ctor.Get("name").String())
		}
	}
	construct, _ := goja.AssertConstructor(ctor)
	// instanceof asks the proxy for Symbol.hasInstance, which the runtime
	// does not answer for a proxy: it is answered here, from ctor's
	// prototype.
	hasInstance := g.r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		o, ok := call.Argument(0).(*goja.Object)
		proto, _ := ctor.Get("prototype").(*goja.Object)
		for ok && proto != nil {
			if o = o.Prototype(); o == nil {
				break
			}
			if o.SameAs(proto) {
				return g.r.vm.ToValue(true)
			}
		}
		return g.r.vm.ToValue(false)
	})
	return g.r.vm.ToValue(g.r.vm.NewProxy(ctor, &goja.ProxyTrapConfig{
		Construct: func(_ *goja.Object, args []goja.Value, newTarget *goja.Object) *goja.Object {
			check(args)
			o, err := construct(newTarget, args...)
			if err != nil {
				panic(err)
			}
			return o
		},
		GetSym: func(target *goja.Object, sym *goja.Symbol, _ goja.Value) goja.Value {
			if sym == goja.SymHasInstance {
				return hasInstance
			}
			return target.GetSymbol(sym)
		},
	}))
}

// chars is the length of v as a string in UTF-16 units, without
// converting an object (which could run its toString): 0 for one.
func (g *guard) chars(v goja.Value) float64 {
	if v == nil {
		return 0
	}
	if _, ok := v.(*goja.Object); ok || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0
	}
	if str, ok := v.(goja.String); ok {
		return float64(str.Length()) // no copy of the text
	}
	return textLength(v) // a number, a boolean: short
}

// asText is v converted to a string now, once, when it is an object (its
// toString runs here, watched): what is checked is what is used.
func (g *guard) asText(v goja.Value) goja.Value {
	if o, ok := v.(*goja.Object); ok {
		return g.r.vm.ToValue(o.String())
	}
	return v
}

// "a".concat(b, c…): as long as the texts together.
func (g *guard) prepConcat(call goja.FunctionCall) []goja.Value {
	n := g.chars(call.This)
	args := make([]goja.Value, len(call.Arguments))
	for i, a := range call.Arguments {
		args[i] = g.asText(a)
		if n += g.chars(args[i]); n > float64(g.maxChars) {
			g.tooLarge("String.prototype.concat")
		}
	}
	return args
}

// s.replace(pattern, replacement) and replaceAll: the result is
// estimated from how many matches there can be and what each becomes
// ($` and $' can be as long as s). A replacement function's results are
// counted as they come.
func (g *guard) prepReplace(call goja.FunctionCall) []goja.Value {
	n := g.chars(call.This)
	pattern, repl := call.Argument(0), call.Argument(1)
	args := append([]goja.Value(nil), call.Arguments...)
	if len(args) < 2 {
		return args
	}
	if f, ok := goja.AssertFunction(repl); ok {
		total := n
		args[1] = g.r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			v, err := f(c.This, c.Arguments...)
			if err != nil {
				panic(err)
			}
			v = g.asText(v)
			if total += g.chars(v); total > float64(g.maxChars) {
				g.tooLarge("String.prototype.replace")
			}
			return v
		})
		return args
	}
	args[1] = g.asText(repl)
	r := args[1].String()
	matches := n + 1 // a global regular expression: once at every place
	switch p := pattern.(type) {
	case *goja.Object:
		if p.ClassName() == "RegExp" && !p.Get("global").ToBoolean() {
			matches = 1
		}
	default:
		if pl := g.chars(p); pl > 0 {
			matches = n/pl + 1
		}
	}
	each := float64(len(r))
	for i := 0; i+1 < len(r); i++ {
		if r[i] == '$' && (r[i+1] == '`' || r[i+1] == '\'' || r[i+1] == '&') {
			each += n
		}
	}
	if n+matches*each > float64(g.maxChars) {
		g.tooLarge("String.prototype.replace")
	}
	return args
}

// s.split(sep, limit): at most as many pieces as s has characters, or
// as sep occurs, or limit.
func (g *guard) checkSplit(call goja.FunctionCall) {
	n := g.chars(call.This) + 1
	if n <= float64(g.maxLen) {
		return
	}
	if sep := call.Argument(0); !goja.IsUndefined(sep) {
		if _, ok := sep.(*goja.Object); !ok && g.chars(sep) > 0 {
			n = float64(strings.Count(call.This.String(), sep.String()) + 1)
		}
	} else {
		n = 1
	}
	if l := call.Argument(1); !goja.IsUndefined(l) {
		n = min(n, number(l))
	}
	if n > float64(g.maxLen) {
		g.tooLarge("String.prototype.split")
	}
}

// [...s], Array.from(s), for…of: as many elements as s has characters.
func (g *guard) checkThisChars(call goja.FunctionCall) {
	if g.chars(call.This) > float64(g.maxLen) {
		g.tooLarge("a string of " + strconv.FormatFloat(g.chars(call.This), 'f', -1, 64) + " characters")
	}
}

// Object.keys(s), Object.entries(s)…: an element for every character.
func (g *guard) checkArgChars(call goja.FunctionCall) {
	if g.chars(call.Argument(0)) > float64(g.maxLen) {
		g.tooLarge("a string of " + strconv.FormatFloat(g.chars(call.Argument(0)), 'f', -1, 64) + " characters")
	}
}

// String.raw({raw}, subs…): the raw texts and subs together. Objects
// among them count as short, as in join.
func (g *guard) checkRaw(call goja.FunctionCall) {
	o, ok := call.Argument(0).(*goja.Object)
	if !ok {
		return
	}
	raw, ok := o.Get("raw").(*goja.Object)
	if !ok {
		return
	}
	n := length(raw)
	if n > float64(g.maxLen) {
		g.tooLarge("String.raw")
	}
	budget := float64(g.maxChars)
	for i := int64(0); i < int64(n) && budget >= 0; i++ {
		budget -= g.chars(raw.Get(strconv.FormatInt(i, 10))) + 16
	}
	for _, a := range call.Arguments[1:] {
		budget -= g.chars(a)
	}
	if budget < 0 {
		g.tooLarge("String.raw")
	}
}

// a.flat(depth): the elements of a and of its arrays down to depth.
func (g *guard) checkFlat(call goja.FunctionCall) {
	depth := 1.0
	if d := call.Argument(0); !goja.IsUndefined(d) {
		depth = number(d)
	}
	budget := float64(g.maxLen)
	if !g.flatFits(call.This, depth, &budget, 0) {
		g.tooLarge("Array.prototype.flat")
	}
}

// flatFits takes from budget the elements v flattens to, and reports
// whether it lasted; an array deeper than maxNesting does not fit (flat
// recurses in Go).
func (g *guard) flatFits(v goja.Value, depth float64, budget *float64, level int) bool {
	o, ok := v.(*goja.Object)
	if !ok {
		return true
	}
	n := length(o)
	if level > maxNesting || n > float64(g.maxLen) {
		return false
	}
	if depth < 1 {
		*budget -= n
		return *budget >= 0
	}
	for i := int64(0); i < int64(n) && *budget >= 0; i++ {
		e, ok := o.Get(strconv.FormatInt(i, 10)).(*goja.Object)
		if ok && e.ClassName() == "Array" {
			if !g.flatFits(e, depth-1, budget, level+1) {
				return false
			}
		} else {
			*budget--
		}
	}
	return *budget >= 0
}
