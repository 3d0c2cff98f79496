package script

import (
	"errors"
	"strconv"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/store"
)

// Bounds of bbs.data.list.
const (
	defaultDataList = 100
	maxDataList     = 1000
)

// dataObject is bbs.data: the script's saved state, kept by the store
// under the script's name.
func (r *run) dataObject() *goja.Object {
	o := r.vm.NewObject()
	o.Set("get", r.fn(r.dataGet))
	o.Set("set", r.fn(r.dataSet))
	o.Set("delete", r.fn(r.dataDelete))
	o.Set("list", r.fn(r.dataList))
	return o
}

// scriptData returns the store's script data, or throws on a board that
// has none.
func (r *run) scriptData() store.ScriptData {
	d := r.c.Store.ScriptData
	if d == nil {
		r.throw(r.c.T("script.api.no_data"))
	}
	return d
}

// dataKey is a key argument, checked against the store's bounds.
func (r *run) dataKey(v goja.Value) string {
	key := text(v)
	if key == "" || len(key) > store.MaxScriptKey {
		r.throw("a key is 1 to " + strconv.Itoa(store.MaxScriptKey) + " bytes")
	}
	return key
}

// dataFail is fail for the store's errors.
func (r *run) dataFail(err error) goja.Value {
	if errors.Is(err, store.ErrLimit) {
		r.throw(r.c.T("script.api.too_many_keys", "max", strconv.Itoa(store.MaxScriptKeys)))
	}
	return r.fail(err)
}

// bbs.data.get(key) → the value, or null
func (r *run) dataGet(call goja.FunctionCall) goja.Value {
	key := r.dataKey(call.Argument(0))
	v, err := r.scriptData().GetScriptValue(r.ctx, r.name, key)
	if errors.Is(err, store.ErrNotFound) {
		return goja.Null()
	}
	if err != nil {
		return r.dataFail(err)
	}
	return r.vm.ToValue(v)
}

// bbs.data.set(key, value)
func (r *run) dataSet(call goja.FunctionCall) goja.Value {
	key := r.dataKey(call.Argument(0))
	v, ok := call.Argument(1).Export().(string)
	if !ok {
		r.throw("a value is a string: save objects as JSON.stringify(value)")
	}
	if len(v) > store.MaxScriptValue {
		r.throw("a value is at most " + strconv.Itoa(store.MaxScriptValue) + " bytes")
	}
	if err := r.scriptData().SetScriptValue(r.ctx, r.name, key, v); err != nil {
		return r.dataFail(err)
	}
	return goja.Undefined()
}

// bbs.data.delete(key)
func (r *run) dataDelete(call goja.FunctionCall) goja.Value {
	key := r.dataKey(call.Argument(0))
	if err := r.scriptData().DeleteScriptValue(r.ctx, r.name, key); err != nil {
		return r.dataFail(err)
	}
	return goja.Undefined()
}

// bbs.data.list(prefix, limit, after) → [{key, value, updated}], by key
func (r *run) dataList(call goja.FunctionCall) goja.Value {
	prefix := text(call.Argument(0))
	limit := int(intArg(call.Argument(1), defaultDataList, 1, maxDataList))
	after := text(call.Argument(2))
	if len(prefix) > store.MaxScriptKey || len(after) > store.MaxScriptKey {
		r.throw("a key is at most " + strconv.Itoa(store.MaxScriptKey) + " bytes")
	}
	list, err := r.scriptData().ListScriptValues(r.ctx, r.name, prefix, after, limit)
	if err != nil {
		return r.dataFail(err)
	}
	items := make([]any, len(list))
	for i, v := range list {
		o := r.vm.NewObject()
		o.Set("key", v.Key)
		o.Set("value", v.Value)
		o.Set("updated", millis(v.Updated))
		items[i] = o
	}
	return r.vm.NewArray(items...)
}
