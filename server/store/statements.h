#pragma once

// The statements every connection prepares once, on first use, and the readers that turn their rows into records.

#include "store/records.h"
#include "store/sql.h"

#include <QLatin1StringView>

namespace parley::server {

enum Stmt : int {
    // transactions
    BeginImmediate,
    Commit,
    Rollback,
    SavepointOp,
    ReleaseOp,
    RollbackToOp,
    SavepointMethod,
    ReleaseMethod,
    RollbackToMethod,
    // users and devices
    UserByName,
    UserById,
    DevicesOfUser,
    DeviceByNo,
    DeviceById,
    DeviceExists,
    CountActiveDevices,
    NextDeviceNo,
    InsertUser,
    SetUserRoot,
    InsertDevice,
    TouchDevice,
    // recovery bundles
    RecoveryOfUser,
    UpsertRecovery,
    DeleteRecovery,
    // enrollment codes
    InsertEnrollCode,
    EnrollCodeByHash,
    UseEnrollCode,
    PurgeEnrollCodes,
    // prekeys
    PrekeyCount,
    InsertPrekey,
    SetLastResort,
    ConsumePrekey,
    LastResortOf,
    // messages, queues and replay records
    InsertSeen,
    SeenOutcome,
    PurgeSeen,
    BumpQueued,
    QueuedOf,
    InsertMessage,
    InsertQueueEntry,
    LockQueue,
    Ping,
    DeleteQueueEntries,
    QueuePage,
    CountExpired,
    PurgeExpired,
    // resumption credentials
    ResumeOfDevice,
    UpsertResume,
    DeleteResumeOfUser,
    DeleteResumeOfDevice,
    PurgeResume,
    // room settings
    RoomSettingsRow,
    UpsertRoomSettings,
    StmtCount
};

QLatin1StringView sqlOf(Stmt id);

// Rows of UserByName / UserById.
UserRecord readUser(const sql::Rows &row);
// Rows of DevicesOfUser / DeviceByNo / DeviceById.
DeviceRecord readDevice(const sql::Rows &row);
// Rows of QueuePage.
QueuedMessage readQueuedMessage(const sql::Rows &row);

} // namespace parley::server
