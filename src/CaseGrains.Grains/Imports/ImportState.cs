namespace CaseGrains.Grains.Imports;

/// <summary>Where an import stands (<c>api.md</c>: validating, rejected, importing, done; and failed).</summary>
public static class ImportStatuses
{
    /// <summary>Every row is being checked; nothing is written yet.</summary>
    public const string Validating = "validating";

    /// <summary>At least one row is wrong: nothing was imported.</summary>
    public const string Rejected = "rejected";

    /// <summary>Every row passed; the cases are being created with their history.</summary>
    public const string Importing = "importing";

    /// <summary>Every row is in the township.</summary>
    public const string Done = "done";

    /// <summary>
    /// A row that passed validation was refused while importing (the roster changed in between, say): the
    /// rows before it are in, the rest are not. Fix the cause and post the same file again; the rows
    /// already in are recognised by their ledger numbers and not created twice.
    /// </summary>
    public const string Failed = "failed";

    /// <summary>All of them, for the API description.</summary>
    public static readonly IReadOnlyList<string> All = [Validating, Rejected, Importing, Done, Failed];

    /// <summary>True while the grain still has work to do.</summary>
    public static bool Running(string status) => status is Validating or Importing;
}

/// <summary>
/// The file of an import, kept in Orleans' grain storage only until it is imported or rejected: it holds
/// personal data (names, phones) and is cleared then. Written once, when the import starts.
/// </summary>
[GenerateSerializer, Alias("casegrains.import-ledger")]
public sealed class ImportLedgerState
{
    /// <summary>The header row.</summary>
    [Id(0)]
    public List<string> Header { get; set; } = [];

    /// <summary>The data rows.</summary>
    [Id(1)]
    public List<List<string>> Rows { get; set; } = [];
}

/// <summary>
/// The progress of an import, snapshot state in Orleans' ADO.NET grain storage (<c>snapshots</c>):
/// small, written after every batch, so a restarted silo resumes where the last batch ended.
/// </summary>
[GenerateSerializer, Alias("casegrains.import-progress")]
public sealed class ImportProgressState
{
    /// <summary>Empty until started; then one of <see cref="ImportStatuses"/>.</summary>
    [Id(0)]
    public string Status { get; set; } = string.Empty;

    /// <summary>The township the cases go to.</summary>
    [Id(1)]
    public string TownshipId { get; set; } = string.Empty;

    /// <summary>Data rows in the file (empty rows not counted).</summary>
    [Id(2)]
    public int Rows { get; set; }

    /// <summary>Rows checked so far.</summary>
    [Id(3)]
    public int Validated { get; set; }

    /// <summary>Rows whose case is in the township with its whole history.</summary>
    [Id(4)]
    public int Imported { get; set; }

    /// <summary>Rows an earlier import had already brought in (recognised by the ledger number).</summary>
    [Id(5)]
    public int AlreadyImported { get; set; }

    /// <summary>The first errors (at most <see cref="ImportGrain.MaxErrorsKept"/>).</summary>
    [Id(6)]
    public List<ImportError> Errors { get; set; } = [];

    /// <summary>How many errors there were in all.</summary>
    [Id(7)]
    public int ErrorCount { get; set; }

    /// <summary>Who imports (recorded beside the cases' events).</summary>
    [Id(8)]
    public string Actor { get; set; } = string.Empty;

    /// <summary>The importer's role.</summary>
    [Id(9)]
    public string? ActorRole { get; set; }

    /// <summary>When the import was posted.</summary>
    [Id(10)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was done, rejected or failed.</summary>
    [Id(11)]
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The file's format (csv, xlsx).</summary>
    [Id(12)]
    public string Format { get; set; } = string.Empty;
}

/// <summary>One refused row: spreadsheet row (header = 1), column header, reason in Chinese and English.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.import-error")]
public sealed record ImportError([property: Id(0)] int Row, [property: Id(1)] string Column, [property: Id(2)] string ReasonZh, [property: Id(3)] string ReasonEn);

/// <summary>What an import answers with: its progress and errors.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.import-status")]
public sealed record ImportStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] string TownshipId,
    [property: Id(2)] string Status,
    [property: Id(3)] int Rows,
    [property: Id(4)] int Validated,
    [property: Id(5)] int Imported,
    [property: Id(6)] int AlreadyImported,
    [property: Id(7)] int ErrorCount,
    [property: Id(8)] ImportError[] Errors,
    [property: Id(9)] string Format,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt);

/// <summary>Starts an import: the file as a table of text cells, who imports, and its format.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.import-request")]
public sealed record ImportRequest(
    [property: Id(0)] string[] Header,
    [property: Id(1)] string[][] Rows,
    [property: Id(2)] string Format,
    [property: Id(3)] string Actor,
    [property: Id(4)] string? ActorRole);
