package script

import (
	"fmt"
	"math"
	"strconv"

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
