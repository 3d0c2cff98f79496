package script

import (
	"errors"

	"github.com/dop251/goja"
)

// Code a script makes from text at run time would be parsed and compiled
// in Go without the nesting check a script file gets (see nesting.go),
// and a deep enough nesting is fatal to the board. So eval is taken
// away, and the constructors that compile a function from text (Function
// and those of generator, async and async generator functions) are put
// behind proxies that throw: instanceof, their prototypes and static
// properties work as before.

// maxProtoChain bounds the prototype chains instanceof walks here.
const maxProtoChain = 100000

// noCompile is what a script that tries it is told.
const noCompile = "making code from text (eval, new Function) is not allowed in a script"

// compilerSources are expressions whose value is a constructor that
// compiles text; those the runtime does not support are skipped.
var compilerSources = [...]string{
	"(function* () {}).constructor",
	"(async function () {}).constructor",
	"(async function* () {}).constructor",
}

// removeCompilers takes eval away and puts the Function constructors
// behind proxies, before the script runs.
func (r *run) removeCompilers() error {
	vm := r.vm
	global := vm.GlobalObject()
	if err := global.Delete("eval"); err != nil {
		return err
	}
	fn, ok := global.Get("Function").(*goja.Object)
	if !ok {
		return errors.New("script: the runtime has no Function")
	}
	fnProxy, err := r.closeCompiler(fn, nil)
	if err != nil {
		return err
	}
	if err := global.DefineDataProperty("Function", fnProxy, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
		return err
	}
	for _, src := range compilerSources {
		v, err := vm.RunString(src)
		if err != nil {
			continue // not in this version of the runtime
		}
		if c, ok := v.(*goja.Object); ok {
			if _, err := r.closeCompiler(c, fnProxy); err != nil {
				return err
			}
		}
	}
	return nil
}

// closeCompiler returns a proxy of ctor that throws when called or
// constructed, and makes it ctor.prototype's constructor. Whose
// prototype ctor is, is answered with proto when not nil (the others'
// is Function, which must not be reached through them).
func (r *run) closeCompiler(ctor, proto *goja.Object) (*goja.Object, error) {
	traps := &goja.ProxyTrapConfig{
		Apply: func(*goja.Object, goja.Value, []goja.Value) goja.Value {
			r.throw(noCompile)
			return nil
		},
		Construct: func(*goja.Object, []goja.Value, *goja.Object) *goja.Object {
			r.throw(noCompile)
			return nil
		},
	}
	if proto != nil {
		traps.GetPrototypeOf = func(*goja.Object) *goja.Object { return proto }
	}
	prototype, ok := ctor.Get("prototype").(*goja.Object)
	if !ok {
		return nil, errors.New("script: a function constructor has no prototype")
	}
	// instanceof asks the proxy for Symbol.hasInstance, which the runtime
	// does not answer for a proxy: it is answered here.
	hasInstance := r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		o, ok := call.Argument(0).(*goja.Object)
		for i := 0; ok && i < maxProtoChain; i++ {
			if o = o.Prototype(); o == nil {
				break
			}
			if o.SameAs(prototype) {
				return r.vm.ToValue(true)
			}
		}
		return r.vm.ToValue(false)
	})
	traps.GetSym = func(target *goja.Object, sym *goja.Symbol, _ goja.Value) goja.Value {
		if sym == goja.SymHasInstance {
			return hasInstance
		}
		return target.GetSymbol(sym)
	}
	p := r.vm.ToValue(r.vm.NewProxy(ctor, traps)).(*goja.Object)
	return p, prototype.DefineDataProperty("constructor", p, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
}
