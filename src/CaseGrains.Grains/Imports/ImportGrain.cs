using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Reports;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Disputes;
using CaseGrains.Grains.Petitions;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CaseGrains.Grains.Imports;

/// <summary>台账导入 — one import of an existing ledger into a township, keyed <c>{townshipId}/{importId}</c>.</summary>
[Alias("casegrains.IImportGrain")]
public interface IImportGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Starts the import (a second call answers with the import as it stands).</summary>
    [Alias("start")]
    Task<ImportStatus> Start(ImportRequest request);

    /// <summary>The import as it stands, or null when none was started under this key.</summary>
    [Alias("status"), AlwaysInterleave]
    Task<ImportStatus?> Status();
}

/// <summary>
/// Runs an import in batches on a grain timer, so that status reads get in between: first every row is
/// checked (<see cref="LedgerImport.Check"/>, plus whether its ledger number was imported before with
/// other content), and any error rejects the file with nothing written; then every case is created
/// through its township and its historical steps run through its own grain, the same commands as the API.
/// Each row is idempotent: the registration carries an idempotency key derived from the ledger number,
/// written in the case's own first commit, and each later step runs only if the case has not taken it
/// yet. Progress is snapshot state in the <c>snapshots</c> grain storage after every batch; a reminder
/// and every activation resume an unfinished import, so a killed process leaves, once it is back, every
/// row imported (none twice).
/// </summary>
[GrainType("import")]
public sealed partial class ImportGrain(
    [PersistentState("progress", CaseGrainsSilo.SnapshotStorage)] IPersistentState<ImportProgressState> progress,
    [PersistentState("ledger", CaseGrainsSilo.SnapshotStorage)] IPersistentState<ImportLedgerState> ledger,
    ICaseStore store,
    DeadlinePolicy policy,
    TimeProvider clock,
    ILogger<ImportGrain> logger) : Grain, IImportGrain
{
    /// <summary>Errors kept for the answer; the count covers all.</summary>
    public const int MaxErrorsKept = 1000;

    private const string ResumeReminder = "import-resume";
    private const int ValidationBatch = 500;
    private const int ImportBatch = 64;
    private const int Parallelism = 8;

    private IGrainTimer? _timer;
    private IReadOnlyList<LedgerCase>? _cases;
    private int _planErrors;

    /// <summary>While the end of an import is being written, reads still see it running: "done" means the reminder and the file are gone too.</summary>
    private string? _statusWhileFinishing;

    private string Key => this.GetPrimaryKeyString();

    private string TownshipId => Key[..Key.IndexOf('/', StringComparison.Ordinal)];

    private string ImportId => Key[(Key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>The idempotency scope of this township's imported rows: one case per ledger number, whichever import brings it.</summary>
    public static string IdempotencyScope(string townshipId) => $"import|{townshipId}";

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An import that a stopped or killed silo left unfinished goes on as soon as anything wakes it.
        if (ImportStatuses.Running(progress.State.Status))
        {
            EnsureRunning();
        }
        else if (progress.State.Status.Length > 0 && ledger.State.Rows.Count > 0)
        {
            // A silo stopped between writing the end of an import and clearing its file: clear it now.
            await ledger.ClearStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<ImportStatus> Start(ImportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (progress.State.Status.Length > 0)
        {
            return View();
        }
        ledger.State = new ImportLedgerState
        {
            Header = [.. request.Header],
            Rows = [.. request.Rows.Select(r => r.ToList())],
        };
        await ledger.WriteStateAsync();
        progress.State = new ImportProgressState
        {
            Status = ImportStatuses.Validating,
            TownshipId = TownshipId,
            Rows = request.Rows.Count(r => r.Any(c => !string.IsNullOrWhiteSpace(c))),
            Actor = request.Actor,
            ActorRole = request.ActorRole,
            CreatedAt = clock.GetUtcNow(),
            Format = request.Format,
        };
        await progress.WriteStateAsync();
        // The reminder is the wake-up after a restart; the timer does the work while the grain is active.
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        ImportsLog.Started(logger, TownshipId, ImportId, progress.State.Rows);
        EnsureRunning();
        return View();
    }

    /// <inheritdoc />
    public Task<ImportStatus?> Status()
    {
        if (progress.State.Status.Length == 0)
        {
            DeactivateOnIdle();
            return Task.FromResult<ImportStatus?>(null);
        }
        return Task.FromResult<ImportStatus?>(View());
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (ImportStatuses.Running(progress.State.Status))
        {
            EnsureRunning();
        }
        else if (_statusWhileFinishing is null && await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void EnsureRunning()
        => _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)) { KeepAlive = true });

    /// <summary>One batch of work; a passing failure (database away, a grain timing out) is retried on the next tick.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var running = progress.State.Status;
        try
        {
            var end = running switch
            {
                ImportStatuses.Validating => await ValidateBatchAsync(),
                ImportStatuses.Importing => await ImportBatchAsync(),
                _ => progress.State.Status,
            };
            if (end is not null)
            {
                _statusWhileFinishing = running;
                try
                {
                    await FinishAsync(end);
                }
                finally
                {
                    _statusWhileFinishing = null;
                }
            }
        }
        catch (Exception ex) when (ex is StorageUnavailableException or TimeoutException or OrleansException or System.Data.Common.DbException)
        {
            ImportsLog.BatchFailed(logger, TownshipId, ImportId, ex.GetType().Name);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>Checks a batch; the status to end with when the check is over and found errors, else null.</summary>
    private async Task<string?> ValidateBatchAsync()
    {
        var state = progress.State;
        var cases = await CasesAsync();
        if (_planErrors > 0)
        {
            return ImportStatuses.Rejected;
        }
        // The rules are checked whole (pure and quick); what storage knows about the ledger numbers is read in batches.
        var scope = IdempotencyScope(TownshipId);
        var errors = new List<ImportError>();
        var end = Math.Min(cases.Count, state.Validated + ValidationBatch);
        for (var i = state.Validated; i < end; i++)
        {
            var c = cases[i];
            if (await store.GetIdempotencyRecordAsync(scope, c.LedgerNumber) is { } earlier)
            {
                if (earlier.RequestHash != c.RowHash)
                {
                    errors.Add(new ImportError(c.Row, LedgerColumns.Header(LedgerField.LedgerNumber),
                        "此台账编号已导入本乡镇，但本次内容不同；已导入的案件请在系统中继续办理",
                        "this ledger number was imported into the township before with other content; carry on with that case in the system"));
                }
                else
                {
                    state.AlreadyImported++;
                }
            }
        }
        state.Validated = end;
        AddErrors(errors);
        if (state.Validated >= cases.Count)
        {
            if (state.ErrorCount > 0)
            {
                return ImportStatuses.Rejected;
            }
            state.Validated = state.Rows;
            state.Status = ImportStatuses.Importing;
        }
        await progress.WriteStateAsync();
        return null;
    }

    /// <summary>Imports a batch; the status to end with when the import is over, else null.</summary>
    private async Task<string?> ImportBatchAsync()
    {
        var state = progress.State;
        var cases = await CasesAsync();
        if (_planErrors > 0)
        {
            return ImportStatuses.Failed;
        }
        var batch = cases.Skip(state.Imported).Take(ImportBatch).ToList();
        var failures = new List<ImportError>();
        // Registered one by one in the ledger's order, so the township numbers them in that order (and a repeat's
        // earlier petition has its number); then their steps run side by side, a few cases at a time.
        var registered = new List<(LedgerCase Case, string CaseId)>();
        foreach (var c in batch)
        {
            var (caseId, error) = await RegisterRowAsync(c);
            if (error is not null)
            {
                failures.Add(error);
                break;
            }
            registered.Add((c, caseId!));
        }
        foreach (var chunk in registered.Chunk(Parallelism))
        {
            failures.AddRange((await Task.WhenAll(chunk.Select(r => RunRowStepsAsync(r.Case, r.CaseId)))).OfType<ImportError>());
        }
        if (failures.Count > 0)
        {
            // Rows of the batch may be in or not; the count stays at the batch's start and a new post resumes by ledger number.
            AddErrors([.. failures.OrderBy(f => f.Row)]);
            return ImportStatuses.Failed;
        }
        state.Imported += batch.Count;
        if (state.Imported >= cases.Count)
        {
            return ImportStatuses.Done;
        }
        await progress.WriteStateAsync();
        return null;
    }

    /// <summary>The case of a row: the one an earlier run registered, else a new one, numbered by the township.</summary>
    private async Task<(string? CaseId, ImportError? Error)> RegisterRowAsync(LedgerCase c)
    {
        if (await ImportedCaseIdAsync(c.LedgerNumber) is { } existing)
        {
            return (existing, null);
        }
        var context = Context(new IdempotencyClaim(IdempotencyScope(TownshipId), c.LedgerNumber, c.RowHash,
            $"/api/townships/{TownshipId}/{(c.Kind == CaseKind.Petition ? "petitions" : "disputes")}"));
        var township = GrainFactory.GetGrain<ITownshipGrain>(TownshipId);
        Domain.DomainError? error;
        string? caseId;
        if (c.Kind == CaseKind.Petition)
        {
            var register = (RegisterPetition)c.PetitionSteps[0].Command;
            var repeatOf = register.RepeatOf is { } target ? await ImportedCaseIdAsync(target) ?? target : null;
            var result = await township.RegisterPetition(register with { RepeatOf = repeatOf }, context);
            (caseId, error) = (result.Value?.State.Id, result.Error);
        }
        else
        {
            var result = await township.RegisterDispute((RegisterDispute)c.DisputeSteps[0].Command, context);
            (caseId, error) = (result.Value?.State.Id, result.Error);
        }
        if (caseId is not null)
        {
            return (caseId, null);
        }
        // Another run of the same row got there first: its case is this row's.
        if (error?.Code == GrainErrors.IdempotencyKeyTakenCode && await ImportedCaseIdAsync(c.LedgerNumber) is { } taken)
        {
            return (taken, null);
        }
        return (null, Refused(c, LedgerField.RegisteredAt, error));
    }

    private Task<ImportError?> RunRowStepsAsync(LedgerCase c, string caseId) => c.Kind == CaseKind.Petition
        ? RunStepsAsync(c, GrainFactory.GetGrain<IPetitionGrain>(GrainTypes.CaseKey(TownshipId, caseId)), c.PetitionSteps, Context(null))
        : RunStepsAsync(c, GrainFactory.GetGrain<IDisputeGrain>(GrainTypes.CaseKey(TownshipId, caseId)), c.DisputeSteps, Context(null));

    /// <summary>The importer is the actor of every command; no answer shows personal data, so nothing is logged as read.</summary>
    private CommandContext Context(IdempotencyClaim? claim) => new(progress.State.Actor, progress.State.ActorRole, null, claim);

    /// <summary>Runs the steps the case has not taken yet, each against the version it was decided on.</summary>
    private static async Task<ImportError?> RunStepsAsync<TState, TRegister, TCommand>(LedgerCase c, ICaseGrain<TState, TRegister, TCommand> grain,
        IReadOnlyList<LedgerStep<TState, TCommand>> steps, CommandContext context)
        where TState : class
    {
        var snapshot = await grain.Get() ?? throw new InvalidOperationException($"The case of ledger row {c.Row} is registered but cannot be read.");
        for (var i = 1; i < steps.Count; i++)
        {
            var step = steps[i];
            while (!step.Done(snapshot.State))
            {
                var result = await grain.Execute(step.Command, snapshot.Version, context);
                if (result.Value is { } next)
                {
                    snapshot = next;
                }
                else if (result.Error?.Code == GrainErrors.VersionMismatchCode)
                {
                    // Another run of this row (or an officer) moved the case on: look again before deciding.
                    snapshot = await grain.Get() ?? snapshot;
                }
                else
                {
                    return Refused(c, step.Column, result.Error);
                }
            }
        }
        return null;
    }

    private static ImportError Refused(LedgerCase c, LedgerField column, DomainError? error)
        => new(c.Row, LedgerColumns.Header(column), error?.MessageZh ?? "导入时被拒绝", error?.MessageEn ?? "refused while importing");

    /// <summary>The case number a ledger number of this township was imported as, from the idempotency record its registration wrote.</summary>
    private async Task<string?> ImportedCaseIdAsync(string ledgerNumber)
    {
        var record = await store.GetIdempotencyRecordAsync(IdempotencyScope(TownshipId), ledgerNumber);
        return record?.Location is { } location ? location[(location.LastIndexOf('/') + 1)..] : null;
    }

    /// <summary>The rows as cases, read and checked once per activation against the township's roster as it is now.</summary>
    private async Task<IReadOnlyList<LedgerCase>> CasesAsync()
    {
        if (_cases is not null)
        {
            return _cases;
        }
        var township = await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).Get();
        var roster = township?.State.Leaders.Values.ToList() ?? [];
        var table = new LedgerTable(ledger.State.Header, [.. ledger.State.Rows]);
        var (cases, errors) = LedgerImport.Check(table, new LedgerContext(clock.GetUtcNow(), policy, roster));
        // While validating these reject the file; after a restart mid-import (the roster changed since, say) the rest cannot go in.
        _planErrors = errors.Count;
        AddErrors([.. errors.Select(e => new ImportError(e.Row, e.Column, e.ReasonZh, e.ReasonEn))]);
        _cases = cases;
        return cases;
    }

    private void AddErrors(IReadOnlyList<ImportError> errors)
    {
        var state = progress.State;
        state.ErrorCount += errors.Count;
        state.Errors.AddRange(errors.Take(Math.Max(0, MaxErrorsKept - state.Errors.Count)));
    }

    /// <summary>The import ended: its end is written, then the file (personal data) is cleared and the timer and the reminder go.</summary>
    private async Task FinishAsync(string status)
    {
        progress.State.Status = status;
        progress.State.FinishedAt ??= clock.GetUtcNow();
        await progress.WriteStateAsync();
        await ledger.ClearStateAsync();
        _timer?.Dispose();
        _timer = null;
        _cases = null;
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        ImportsLog.Finished(logger, TownshipId, ImportId, progress.State.Status, progress.State.Imported, progress.State.ErrorCount);
    }

    private ImportStatus View()
    {
        var s = progress.State;
        return new ImportStatus(ImportId, TownshipId, _statusWhileFinishing ?? s.Status, s.Rows, s.Validated, s.Imported, s.AlreadyImported, s.ErrorCount,
            [.. s.Errors], s.Format, s.CreatedAt, s.FinishedAt);
    }

    /// <summary>Import log lines: ids, counts and statuses, never a cell of the file.</summary>
    private static partial class ImportsLog
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Import {ImportId} of township {TownshipId} started with {Rows} rows")]
        public static partial void Started(ILogger logger, string townshipId, string importId, int rows);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Import {ImportId} of township {TownshipId} ended {Status}: {Imported} rows imported, {Errors} errors")]
        public static partial void Finished(ILogger logger, string townshipId, string importId, string status, int imported, int errors);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "A batch of import {ImportId} of township {TownshipId} failed ({Problem}); retrying")]
        public static partial void BatchFailed(ILogger logger, string townshipId, string importId, string problem);
    }
}
