// The addon's state that belongs to one Node environment (the main thread, each worker thread, each
// Electron context), kept with napi_set_instance_data so nothing one environment holds — a JS reference,
// a thread-safe function — is ever touched from another, and it all goes when its environment does.
// Node-API gives an addon one such slot per environment: every area keeps its part here.
#pragma once
#include <napi.h>

#include <memory>

#include "js_mailbox.h"

namespace eidos {

struct EnvData {
  // Deliveries from threads the addon does not own (js_mailbox.h); made on first use.
  std::shared_ptr<JsMailbox> mailbox;
  // metal/metal_buffer.mm's library matrix cache (macOS builds), opaque here.
  std::shared_ptr<void> metal;

  // JS thread: the environment's data, made on first use.
  static EnvData& Of(Napi::Env env) {
    EnvData* data = env.GetInstanceData<EnvData>();
    if (data == nullptr) {
      data = new EnvData();
      env.SetInstanceData<EnvData>(data);  // deleted at the environment's teardown
    }
    return *data;
  }

  // JS thread: the mailbox, nullptr when Node-API could not make one.
  std::shared_ptr<JsMailbox> Mailbox(Napi::Env env) {
    if (!mailbox) mailbox = JsMailbox::Create(env);
    return mailbox;
  }
};

}  // namespace eidos
