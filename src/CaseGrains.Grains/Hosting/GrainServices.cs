using CaseGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CaseGrains.Grains;

/// <summary>What every event-sourced grain is built with, in one constructor argument.</summary>
/// <param name="Store">The case store.</param>
/// <param name="Clock">The clock grains decide with (the deployment's; a test's manual one).</param>
/// <param name="Options">Grain settings.</param>
/// <param name="LoggerFactory">Logging.</param>
/// <param name="ReminderTable">Orleans' reminder table, read to learn what a grain has armed.</param>
public sealed record GrainServices(ICaseStore Store, TimeProvider Clock, IOptions<GrainOptions> Options, ILoggerFactory LoggerFactory, IReminderTable ReminderTable);
