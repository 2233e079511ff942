// A fleet of simulated monitoring stations speaking HJ 212-2017 to a listener
// (`ecity simulate stations`): the demo's live data and the load benchmark's traffic. Each
// station keeps one connection, uploads real-time data (2011) at the given rate, at most one a
// second (DataTime has whole seconds; beyond that the station is catching up and uploads minute
// data (2051) of the past, newest first), and hourly data (2061) when an hour completes, optionally first its recent
// hours (a station catching up after an outage), every packet asking for an answer (Flag=5). Values come from the air
// model, so live data continues the demo's history.
//
// Thread-safety: run_simulator() runs on the calling thread until done.
#pragma once

#include "environment/air_model.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace ecity::environment {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int count = 10;          // stations
  int first = 0;           // index of the first station (MN prefix + 6 digits)
  double rate = 1.0 / 30;  // real-time packets per second per station (one per 30 s, as stations do)
  int duration_s = 0;      // 0: until stopped
  int history_hours = 0;   // hourly packets each station uploads first
  std::string mn_prefix = "SIMAIR";
  std::string password = "sim-123456";
  AirModelParams model;
};

struct SimulatorReport {
  int connected = 0, failed = 0, dropped = 0;
  std::uint64_t sent = 0, answered = 0;
  double seconds = 0;  // from the first packet to the last answer
  // Answers a second while every station was connected (the load benchmark's figure).
  double steady_per_s = 0;
};

// The MN of station i: prefix + six digits.
std::string simulated_mn(const std::string& prefix, int i);
// The frame station `i` sends for `cn` (2011, 2051 or 2061) for the period holding `epoch_ms`.
std::string simulated_packet(const SimulatorOptions& o, int i, int cn, std::int64_t epoch_ms);

// Connects, sends until the duration passes or `stop` becomes true, waits two seconds for the
// last answers and reports. Throws Error (invalid) for a bad host.
SimulatorReport run_simulator(const SimulatorOptions& o, const std::atomic<bool>* stop = nullptr);

}  // namespace ecity::environment
