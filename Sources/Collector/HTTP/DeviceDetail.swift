/// `GET /api/v1/devices/{id}`: the device with its update state.
struct DeviceDetail: Encodable {
    var device: DeviceRecord
    var assignments: [AssignmentRecord]
    var downloads: [DownloadProgress]
}
