#pragma once

// `parley push ...` arguments into protocol frames (docs/push.md).

#include "core/result.h"
#include "protocol/frame.h"

#include <QStringList>

namespace parley::cli {

// register apns TOKEN [--topic T] | register fcm TOKEN | register webpush ENDPOINT P256DH AUTH (base64url keys,
// as browsers' PushSubscription.toJSON() gives them) | remove. InvalidArgument with a usage line otherwise.
Result<protocol::Frame> pushFrame(const QStringList &args, const QString &topic);

} // namespace parley::cli
