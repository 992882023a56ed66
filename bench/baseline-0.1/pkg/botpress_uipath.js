var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);
var botpress_uipath_exports = {};
__export(botpress_uipath_exports, {
  checkCallback: () => checkCallback,
  checkSetup: () => checkSetup,
  checkWebhook: () => checkWebhook,
  default: () => __wbg_init,
  getBotpressToken: () => getBotpressToken,
  getUiPathJob: () => getUiPathJob,
  initSync: () => initSync,
  internalReply: () => internalReply,
  issueCallbackToken: () => issueCallbackToken,
  jobEndDelivery: () => jobEndDelivery,
  jobEndSettings: () => jobEndSettings,
  moduleConfig: () => moduleConfig,
  pollJobs: () => pollJobs,
  routeSettings: () => routeSettings,
  setFetch: () => setFetch,
  startUiPathJob: () => startUiPathJob,
  stopUiPathJob: () => stopUiPathJob,
  version: () => version,
  waitForUiPathJob: () => waitForUiPathJob
});
module.exports = __toCommonJS(botpress_uipath_exports);
const import_meta = {};
function checkCallback(input) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.checkCallback(retptr, addHeapObject(input));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function checkSetup(config, options) {
  const ret = wasm.checkSetup(addHeapObject(config), addHeapObject(options));
  return takeObject(ret);
}
function checkWebhook(input) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.checkWebhook(retptr, addHeapObject(input));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function getBotpressToken(bp, event, options) {
  const ret = wasm.getBotpressToken(addHeapObject(bp), addHeapObject(event), addHeapObject(options));
  return takeObject(ret);
}
function getUiPathJob(bp, event, args) {
  const ret = wasm.getUiPathJob(addHeapObject(bp), addHeapObject(event), addHeapObject(args));
  return takeObject(ret);
}
function internalReply(input) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.internalReply(retptr, addHeapObject(input));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function issueCallbackToken(input) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.issueCallbackToken(retptr, addHeapObject(input));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function jobEndDelivery(input) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.jobEndDelivery(retptr, addHeapObject(input));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function jobEndSettings(config) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.jobEndSettings(retptr, addHeapObject(config));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function moduleConfig(layers) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.moduleConfig(retptr, addHeapObject(layers));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function pollJobs(input) {
  const ret = wasm.pollJobs(addHeapObject(input));
  return takeObject(ret);
}
function routeSettings(config) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.routeSettings(retptr, addHeapObject(config));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
    if (r2) {
      throw takeObject(r1);
    }
    return takeObject(r0);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function setFetch(fetch2) {
  wasm.setFetch(isLikeNone(fetch2) ? 0 : addHeapObject(fetch2));
}
function startUiPathJob(bp, event, args) {
  const ret = wasm.startUiPathJob(addHeapObject(bp), addHeapObject(event), addHeapObject(args));
  return takeObject(ret);
}
function stopUiPathJob(bp, event, args) {
  const ret = wasm.stopUiPathJob(addHeapObject(bp), addHeapObject(event), addHeapObject(args));
  return takeObject(ret);
}
function version() {
  let deferred1_0;
  let deferred1_1;
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.version(retptr);
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    deferred1_0 = r0;
    deferred1_1 = r1;
    return getStringFromWasm0(r0, r1);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
    wasm.__wbindgen_export3(deferred1_0, deferred1_1, 1);
  }
}
function waitForUiPathJob(bp, event, args) {
  const ret = wasm.waitForUiPathJob(addHeapObject(bp), addHeapObject(event), addHeapObject(args));
  return takeObject(ret);
}
function __wbg_get_imports() {
  const import0 = {
    __proto__: null,
    __wbg_Error_208446807d0d1e30: function(arg0, arg1) {
      const ret = Error(getStringFromWasm0(arg0, arg1));
      return addHeapObject(ret);
    },
    __wbg___wbindgen_is_function_741ff2bb612836f5: function(arg0) {
      const ret = typeof getObject(arg0) === "function";
      return ret;
    },
    __wbg___wbindgen_is_null_c22311b1cc228e3a: function(arg0) {
      const ret = getObject(arg0) === null;
      return ret;
    },
    __wbg___wbindgen_is_object_8b968c3ab8e96595: function(arg0) {
      const val = getObject(arg0);
      const ret = typeof val === "object" && val !== null;
      return ret;
    },
    __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
      const ret = getObject(arg0) === void 0;
      return ret;
    },
    __wbg___wbindgen_number_get_934b640d0889af78: function(arg0, arg1) {
      const obj = getObject(arg1);
      const ret = typeof obj === "number" ? obj : void 0;
      getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);
    },
    __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
      const obj = getObject(arg1);
      const ret = typeof obj === "string" ? obj : void 0;
      var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_export, wasm.__wbindgen_export2);
      var len1 = WASM_VECTOR_LEN;
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
    },
    __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
      throw new Error(getStringFromWasm0(arg0, arg1));
    },
    __wbg__wbg_cb_unref_09736879a3f67559: function(arg0) {
      getObject(arg0)._wbg_cb_unref();
    },
    __wbg_body_4b6aa608d1961474: function(arg0) {
      const ret = getObject(arg0).body;
      return addHeapObject(ret);
    },
    __wbg_call_a410eb4b59ed5965: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = getObject(arg0).call(getObject(arg1), getObject(arg2));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_call_ff3321d88c622b1a: function() {
      return handleError(function(arg0, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9) {
        const ret = getObject(arg0).call(getObject(arg1), getStringFromWasm0(arg2, arg3), getStringFromWasm0(arg4, arg5), getStringFromWasm0(arg6, arg7), getObject(arg8), arg9);
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_clearTimeout_475ef4326507f7f2: function(arg0) {
      clearTimeout(getObject(arg0));
    },
    __wbg_config_5a0d2c4b8aba15ec: function(arg0) {
      const ret = getObject(arg0).config;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_debug_53673b5c75adb098: function() {
      return handleError(function(arg0, arg1, arg2) {
        getObject(arg0).debug(getStringFromWasm0(arg1, arg2));
      }, arguments);
    },
    __wbg_forBot_c3f97dc63200ff3d: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = getObject(arg0).forBot(getStringFromWasm0(arg1, arg2));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_for_e12451d86fef973f: function(arg0, arg1) {
      const ret = Symbol.for(getStringFromWasm0(arg0, arg1));
      return addHeapObject(ret);
    },
    __wbg_getAxiosConfigForBot_bf9773b443253607: function() {
      return handleError(function(arg0, arg1, arg2, arg3) {
        const ret = getObject(arg0).getAxiosConfigForBot(getStringFromWasm0(arg1, arg2), getObject(arg3));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_getModuleConfigForBot_6eb4fe9cf7364378: function() {
      return handleError(function(arg0, arg1, arg2, arg3, arg4) {
        const ret = getObject(arg0).getModuleConfigForBot(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_get_2080c49015e35254: function() {
      return handleError(function(arg0, arg1) {
        const ret = Reflect.get(getObject(arg0), getObject(arg1));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_get_unchecked_e6325ad374eff861: function(arg0, arg1) {
      const ret = getObject(arg0)[arg1 >>> 0];
      return addHeapObject(ret);
    },
    __wbg_headers_0e391c699cea1c0d: function(arg0) {
      const ret = getObject(arg0).headers;
      return addHeapObject(ret);
    },
    __wbg_http_904bf8fe586f33cb: function(arg0) {
      const ret = getObject(arg0).http;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_info_119dc975209ad356: function() {
      return handleError(function(arg0, arg1, arg2) {
        getObject(arg0).info(getStringFromWasm0(arg1, arg2));
      }, arguments);
    },
    __wbg_instanceof_Error_74e3cca0c4a69161: function(arg0) {
      let result;
      try {
        result = getObject(arg0) instanceof Error;
      } catch (_) {
        result = false;
      }
      const ret = result;
      return ret;
    },
    __wbg_keys_105f5c0857898f84: function(arg0) {
      const ret = Object.keys(getObject(arg0));
      return addHeapObject(ret);
    },
    __wbg_length_b03a0fabb109b1e9: function(arg0) {
      const ret = getObject(arg0).length;
      return ret;
    },
    __wbg_logger_26b2888b07f1fd72: function(arg0) {
      const ret = getObject(arg0).logger;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_message_43d8c8f1d543a349: function(arg0) {
      const ret = getObject(arg0).message;
      return addHeapObject(ret);
    },
    __wbg_new_787b9fb330d55d78: function(arg0, arg1) {
      const ret = new Error(getStringFromWasm0(arg0, arg1));
      return addHeapObject(ret);
    },
    __wbg_new_ba40181b3f24ac80: function(arg0, arg1) {
      try {
        var state0 = { a: arg0, b: arg1 };
        var cb0 = (arg02, arg12) => {
          const a = state0.a;
          state0.a = 0;
          try {
            return __wasm_bindgen_func_elem_1232(a, state0.b, arg02, arg12);
          } finally {
            state0.a = a;
          }
        };
        const ret = new Promise(cb0);
        return addHeapObject(ret);
      } finally {
        state0.a = 0;
      }
    },
    __wbg_new_cd4348290afae586: function() {
      const ret = new Object();
      return addHeapObject(ret);
    },
    __wbg_new_from_str_18a45dcdb1575486: function(arg0, arg1) {
      const ret = new Number(getStringFromWasm0(arg0, arg1));
      return addHeapObject(ret);
    },
    __wbg_new_typed_e09da9dae6ee5935: function(arg0, arg1) {
      try {
        var state0 = { a: arg0, b: arg1 };
        var cb0 = (arg02, arg12) => {
          const a = state0.a;
          state0.a = 0;
          try {
            return __wasm_bindgen_func_elem_1232(a, state0.b, arg02, arg12);
          } finally {
            state0.a = a;
          }
        };
        const ret = new Promise(cb0);
        return addHeapObject(ret);
      } finally {
        state0.a = 0;
      }
    },
    __wbg_now_463ac581d2fc7ea3: function() {
      const ret = Date.now();
      return ret;
    },
    __wbg_parse_c3f72b5a24f83c01: function() {
      return handleError(function(arg0, arg1) {
        const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_queueMicrotask_1e8503a8a690f0a3: function(arg0) {
      const ret = getObject(arg0).queueMicrotask;
      return addHeapObject(ret);
    },
    __wbg_queueMicrotask_4a1a4d8dd332373b: function(arg0) {
      queueMicrotask(getObject(arg0));
    },
    __wbg_random_df36b90cd78a7d54: function() {
      const ret = Math.random();
      return ret;
    },
    __wbg_resolve_dbf78ab4942478b0: function(arg0) {
      const ret = Promise.resolve(getObject(arg0));
      return addHeapObject(ret);
    },
    __wbg_setTimeout_0546776a5ee253bb: function(arg0, arg1) {
      const ret = setTimeout(getObject(arg0), arg1);
      return addHeapObject(ret);
    },
    __wbg_set_2793479888329cb6: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = Reflect.set(getObject(arg0), getObject(arg1), getObject(arg2));
        return ret;
      }, arguments);
    },
    __wbg_set_name_822e3903f3184979: function(arg0, arg1, arg2) {
      getObject(arg0).name = getStringFromWasm0(arg1, arg2);
    },
    __wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: function() {
      const ret = typeof globalThis === "undefined" ? void 0 : globalThis;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_static_accessor_GLOBAL_e4293fb22cbe77da: function() {
      const ret = typeof global === "undefined" ? void 0 : global;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_static_accessor_SELF_53bb20457401453d: function() {
      const ret = typeof self === "undefined" ? void 0 : self;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_static_accessor_WINDOW_b5e0810bfecb7feb: function() {
      const ret = typeof window === "undefined" ? void 0 : window;
      return isLikeNone(ret) ? 0 : addHeapObject(ret);
    },
    __wbg_status_9d687e998c69909d: function(arg0) {
      const ret = getObject(arg0).status;
      return addHeapObject(ret);
    },
    __wbg_stringify_0a0fbf2ef722380a: function() {
      return handleError(function(arg0) {
        const ret = JSON.stringify(getObject(arg0));
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_then_656f253a5dd7d8ea: function(arg0, arg1, arg2) {
      const ret = getObject(arg0).then(getObject(arg1), getObject(arg2));
      return addHeapObject(ret);
    },
    __wbg_then_e3f7f2d365708be8: function(arg0, arg1) {
      const ret = getObject(arg0).then(getObject(arg1));
      return addHeapObject(ret);
    },
    __wbg_toString_6b1cac73c93ef5d1: function() {
      return handleError(function(arg0, arg1) {
        const ret = getObject(arg0).toString(arg1);
        return addHeapObject(ret);
      }, arguments);
    },
    __wbg_valueOf_6db341d77a0b1da4: function(arg0) {
      const ret = getObject(arg0).valueOf();
      return ret;
    },
    __wbg_warn_6fa1549be5c78485: function() {
      return handleError(function(arg0, arg1, arg2) {
        getObject(arg0).warn(getStringFromWasm0(arg1, arg2));
      }, arguments);
    },
    __wbindgen_generic_0000000000000001: function(arg0, arg1) {
      const ret = makeMutClosure(arg0, arg1, __wasm_bindgen_func_elem_1230);
      return addHeapObject(ret);
    },
    __wbindgen_generic_0000000000000002: function(arg0) {
      const ret = arg0;
      return addHeapObject(ret);
    },
    __wbindgen_generic_0000000000000003: function(arg0, arg1) {
      const ret = getStringFromWasm0(arg0, arg1);
      return addHeapObject(ret);
    },
    __wbindgen_object_clone_ref: function(arg0) {
      const ret = getObject(arg0);
      return addHeapObject(ret);
    },
    __wbindgen_object_drop_ref: function(arg0) {
      takeObject(arg0);
    }
  };
  return {
    __proto__: null,
    "./botpress_uipath_bg.js": import0
  };
}
function __wasm_bindgen_func_elem_1232(arg0, arg1, arg2, arg3) {
  wasm.__wasm_bindgen_func_elem_1232(arg0, arg1, addHeapObject(arg2), addHeapObject(arg3));
}
function __wasm_bindgen_func_elem_1230(arg0, arg1, arg2) {
  try {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16) >>> 0;
    wasm.__wasm_bindgen_func_elem_1230(retptr, arg0, arg1, addHeapObject(arg2));
    var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
    var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
    if (r1) {
      throw takeObject(r0);
    }
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}
function addHeapObject(obj) {
  if (heap_next === heap.length) heap.push(heap.length + 1);
  const idx = heap_next;
  heap_next = heap[idx];
  heap[idx] = obj;
  return idx;
}
const CLOSURE_DTORS = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((state) => wasm.__wbindgen_export5(state.a, state.b));
function dropObject(idx) {
  if (idx < 1028) return;
  heap[idx] = heap_next;
  heap_next = idx;
}
let cachedDataViewMemory0 = null;
function getDataViewMemory0() {
  if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || cachedDataViewMemory0.buffer.detached === void 0 && cachedDataViewMemory0.buffer !== wasm.memory.buffer) {
    cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
  }
  return cachedDataViewMemory0;
}
function getStringFromWasm0(ptr, len) {
  ptr = ptr >>> 0;
  return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}
let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
  if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
    cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
  }
  return cachedUint8ArrayMemory0;
}
function getObject(idx) {
  return heap[idx];
}
function handleError(f, args) {
  try {
    return f.apply(this, args);
  } catch (e) {
    wasm.__wbindgen_export4(addHeapObject(e));
  }
}
let heap = new Array(1024).fill(void 0);
heap.push(void 0, null, true, false);
let heap_next = heap.length;
function isLikeNone(x) {
  return x === void 0 || x === null;
}
function makeMutClosure(arg0, arg1, f) {
  const state = { a: arg0, b: arg1, cnt: 1 };
  const real = (...args) => {
    state.cnt++;
    const a = state.a;
    state.a = 0;
    try {
      return f(a, state.b, ...args);
    } finally {
      state.a = a;
      real._wbg_cb_unref();
    }
  };
  real._wbg_cb_unref = () => {
    if (--state.cnt === 0) {
      wasm.__wbindgen_export5(state.a, state.b);
      state.a = 0;
      CLOSURE_DTORS.unregister(state);
    }
  };
  CLOSURE_DTORS.register(real, state, state);
  return real;
}
function passStringToWasm0(arg, malloc, realloc) {
  if (realloc === void 0) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr2 = malloc(buf.length, 1) >>> 0;
    getUint8ArrayMemory0().subarray(ptr2, ptr2 + buf.length).set(buf);
    WASM_VECTOR_LEN = buf.length;
    return ptr2;
  }
  let len = arg.length;
  let ptr = malloc(len, 1) >>> 0;
  const mem = getUint8ArrayMemory0();
  let offset = 0;
  for (; offset < len; offset++) {
    const code = arg.charCodeAt(offset);
    if (code > 127) break;
    mem[ptr + offset] = code;
  }
  if (offset !== len) {
    if (offset !== 0) {
      arg = arg.slice(offset);
    }
    ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
    const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
    const ret = cachedTextEncoder.encodeInto(arg, view);
    offset += ret.written;
    ptr = realloc(ptr, len, offset, 1) >>> 0;
  }
  WASM_VECTOR_LEN = offset;
  return ptr;
}
function takeObject(idx) {
  const ret = getObject(idx);
  dropObject(idx);
  return ret;
}
let cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
  numBytesDecoded += bytes.length;
  if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
    cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
    cachedTextDecoder.decode();
    numBytesDecoded = bytes.length;
  }
  return cachedTextDecoder.decode(bytes);
}
const cachedTextEncoder = new TextEncoder();
if (!("encodeInto" in cachedTextEncoder)) {
  cachedTextEncoder.encodeInto = function(arg, view) {
    const buf = cachedTextEncoder.encode(arg);
    view.set(buf);
    return {
      read: arg.length,
      written: buf.length
    };
  };
}
let WASM_VECTOR_LEN = 0;
let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module2) {
  wasmInstance = instance;
  wasm = instance.exports;
  wasmModule = module2;
  cachedDataViewMemory0 = null;
  cachedUint8ArrayMemory0 = null;
  return wasm;
}
async function __wbg_load(module2, imports) {
  if (typeof Response === "function" && module2 instanceof Response) {
    if (!module2.ok) {
      throw new Error(`failed to fetch Wasm: ${module2.status} ${module2.statusText} fetching '${module2.url}'`);
    }
    if (typeof WebAssembly.instantiateStreaming === "function") {
      try {
        return await WebAssembly.instantiateStreaming(module2, imports);
      } catch (e) {
        const validResponse = expectedResponseType(module2.type);
        if (validResponse && module2.headers.get("Content-Type") !== "application/wasm") {
          console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);
        } else {
          throw e;
        }
      }
    }
    const bytes = await module2.arrayBuffer();
    return await WebAssembly.instantiate(bytes, imports);
  } else {
    const instance = await WebAssembly.instantiate(module2, imports);
    if (instance instanceof WebAssembly.Instance) {
      return { instance, module: module2 };
    } else {
      return instance;
    }
  }
  function expectedResponseType(type) {
    switch (type) {
      case "basic":
      case "cors":
      case "default":
        return true;
    }
    return false;
  }
}
function initSync(module2) {
  if (wasm !== void 0) return wasm;
  if (module2 !== void 0) {
    if (Object.getPrototypeOf(module2) === Object.prototype) {
      ({ module: module2 } = module2);
    } else {
      console.warn("using deprecated parameters for `initSync()`; pass a single object instead");
    }
  }
  const imports = __wbg_get_imports();
  if (!(module2 instanceof WebAssembly.Module)) {
    module2 = new WebAssembly.Module(module2);
  }
  const instance = new WebAssembly.Instance(module2, imports);
  return __wbg_finalize_init(instance, module2);
}
let __wbg_init_promise;
async function __wbg_init(module_or_path) {
  if (wasm !== void 0) return wasm;
  if (__wbg_init_promise === void 0) {
    __wbg_init_promise = __wbg_init_once(module_or_path);
    __wbg_init_promise.catch(() => {
      __wbg_init_promise = void 0;
    });
  }
  return __wbg_init_promise;
}
async function __wbg_init_once(module_or_path) {
  if (module_or_path !== void 0) {
    if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
      ({ module_or_path } = module_or_path);
    } else {
      console.warn("using deprecated parameters for the initialization function; pass a single object instead");
    }
  }
  if (module_or_path === void 0) {
    module_or_path = new URL("botpress_uipath_bg.wasm", import_meta.url);
  }
  const imports = __wbg_get_imports();
  if (typeof module_or_path === "string" || typeof Request === "function" && module_or_path instanceof Request || typeof URL === "function" && module_or_path instanceof URL) {
    module_or_path = fetch(module_or_path);
  }
  const { instance, module: module2 } = await __wbg_load(await module_or_path, imports);
  return __wbg_finalize_init(instance, module2);
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  checkCallback,
  checkSetup,
  checkWebhook,
  getBotpressToken,
  getUiPathJob,
  initSync,
  internalReply,
  issueCallbackToken,
  jobEndDelivery,
  jobEndSettings,
  moduleConfig,
  pollJobs,
  routeSettings,
  setFetch,
  startUiPathJob,
  stopUiPathJob,
  version,
  waitForUiPathJob
});
module.exports.wasmPath = require('path').join(__dirname, 'botpress_uipath_bg.wasm')
