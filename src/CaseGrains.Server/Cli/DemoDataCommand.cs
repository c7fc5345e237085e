using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Cli;

/// <summary>
/// <c>demo-data --township tianjiazhai --year 2024</c>: fills a township of the running service with a
/// realistic year through the API, the same commands an officer sends: channels and categories in
/// plausible shares, 包案 leaders, answers and their outcomes, ratings, a few reviews and re-checks,
/// 12345 work orders with platform deadlines, some cases left open past their deadline, and disputes
/// settled by simple and by general procedure with follow-ups. Seeded, so two runs make the same year;
/// a second run creates nothing new (each case carries an Idempotency-Key). The people are invented.
/// </summary>
internal static class DemoDataCommand
{
    public static Command Create()
    {
        var township = new Option<string>("--township") { Description = "The township (created if missing)", DefaultValueFactory = _ => "tianjiazhai" };
        var name = new Option<string>("--name") { Description = "Its name, when it is created", DefaultValueFactory = _ => "田家寨镇" };
        var county = new Option<string>("--county") { Description = "Its county, when it is created", DefaultValueFactory = _ => "county-1" };
        var year = new Option<int>("--year") { Description = "The year to fill", DefaultValueFactory = _ => DateTime.Today.Year - 1 };
        var petitions = new Option<int>("--petitions") { Description = "信访件 to register", DefaultValueFactory = _ => 189 };
        var disputes = new Option<int>("--disputes") { Description = "矛盾纠纷 to register", DefaultValueFactory = _ => 52 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 2024 };
        var url = ServiceClient.UrlOption();
        var token = ServiceClient.TokenOption();
        var command = new Command("demo-data", "Fill a township of the running service with a realistic year of petitions and disputes, through the API.");
        foreach (var option in new Option[] { township, name, county, year, petitions, disputes, seed, url, token })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var y = parse.GetValue(year);
            var now = DateTimeOffset.UtcNow;
            if (y < 2000 || new DateTimeOffset(y, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)) > now.AddDays(-7))
            {
                await Console.Error.WriteLineAsync("casegrains: --year must be a past year (or this year, a week or more after it began).");
                return 2;
            }
            if (parse.GetValue(petitions) is < 0 or > 20_000 || parse.GetValue(disputes) is < 0 or > 20_000)
            {
                await Console.Error.WriteLineAsync("casegrains: --petitions and --disputes must be between 0 and 20000.");
                return 2;
            }
            var baseUrl = parse.GetValue(url)!;
            using var client = ServiceClient.Connect(baseUrl, parse.GetValue(token), Roles.Admin, null, "demo-data");
            if (client is null)
            {
                return 1;
            }
            try
            {
                var demo = new DemoYear(client, parse.GetValue(township)!, y, new Random(parse.GetValue(seed)), now);
                return await demo.RunAsync(parse.GetValue(name)!, parse.GetValue(county)!, parse.GetValue(petitions), parse.GetValue(disputes), cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync(ServiceClient.Unreachable(baseUrl, ex));
                return 1;
            }
        });
        return command;
    }

    /// <summary>One township's invented year, sent command by command.</summary>
    private sealed class DemoYear(ServiceClient client, string township, int year, Random rng, DateTimeOffset now)
    {
        private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

        private static readonly (string Id, string Name, string Title)[] Leaders =
        [
            ("wang", "王建国", "党委书记"), ("li", "李文华", "镇长"), ("zhang", "张志强", "党委副书记"),
            ("zhao", "赵红梅", "副镇长"), ("chen", "陈立新", "综治中心主任"),
        ];

        private static readonly string[] Villages = ["田家寨村", "北坡村", "南沟村", "东庄村", "西湾村", "柳树岭村", "石门村", "新民社区"];
        private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡", "郭", "何"];
        private static readonly string[] Given = ["建军", "秀英", "桂兰", "志刚", "海燕", "明", "丽", "军", "伟", "芳", "强", "敏", "勇", "艳", "杰", "娟"];

        private static readonly (string Value, int Weight)[] Channels =
            [("visit", 34), ("online", 20), ("hotline12345", 16), ("letter", 10), ("phone", 10), ("assignedByHigherLevel", 7), ("fax", 1), ("other", 2)];

        private static readonly (string Category, string Subject, int Weight)[] PetitionTopics =
        [
            ("征地拆迁", "征地补偿款发放", 18), ("劳动保障", "拖欠务工人员工资", 16), ("城乡建设", "村道破损影响出行", 14),
            ("农业农村", "土地流转费用", 12), ("生态环境", "养殖场异味扰民", 9), ("社会保障", "低保资格认定", 9),
            ("民政", "高龄补贴发放", 6), ("教育", "学生就近入学", 5), ("医疗卫生", "村卫生室服务", 4), ("交通运输", "客运班车停运", 2),
            ("文化旅游", "景区噪音", 1),
        ];

        private static readonly (string Value, int Weight)[] Sources =
            [("screening", 30), ("application", 25), ("gridReport", 22), ("petitionReferral", 10), ("policeReferral", 8), ("courtReferral", 3), ("other", 2)];

        private static readonly (string Category, string Subject, int Weight)[] DisputeTopics =
        [
            ("邻里", "宅前排水沟走向", 22), ("婚姻家庭", "赡养老人费用分担", 16), ("土地承包", "承包地界址", 14), ("宅基地与房屋", "建房占用通道", 12),
            ("劳动争议/欠薪", "工程款及工资结算", 10), ("损害赔偿", "交通事故赔偿", 9), ("合同债务", "农资赊欠", 8), ("山林水利", "灌溉用水分配", 5),
            ("物业消费", "农资质量", 2), ("村务管理", "集体收益分配", 2),
        ];

        private readonly Dictionary<string, int> _tally = new(StringComparer.Ordinal);
        private readonly List<string> _petitionIds = [];

        public async Task<int> RunAsync(string name, string county, int petitions, int disputes, CancellationToken cancellationToken)
        {
            var (status, json, _) = await client.SendAsync(HttpMethod.Get, $"/api/townships/{township}", cancellationToken: cancellationToken);
            if (status == 404)
            {
                (status, json, _) = await client.SendAsync(HttpMethod.Put, $"/api/townships/{township}", new JsonObject { ["name"] = name, ["countyId"] = county }, cancellationToken: cancellationToken);
            }
            if (status is not (200 or 201))
            {
                await Console.Error.WriteLineAsync($"casegrains: township {township}: " + ServiceClient.Reason(status, json));
                return 1;
            }
            foreach (var (id, leaderName, title) in Leaders)
            {
                await Expect(client.SendAsync(HttpMethod.Put, $"/api/townships/{township}/leaders/{id}",
                    new JsonObject { ["name"] = leaderName, ["title"] = title, ["active"] = true }, cancellationToken: cancellationToken), "roster");
            }
            for (var i = 1; i <= petitions; i++)
            {
                await PetitionAsync(i, cancellationToken);
                Progress("petitions", i, petitions);
            }
            for (var i = 1; i <= disputes; i++)
            {
                await DisputeAsync(i, cancellationToken);
                Progress("disputes", i, disputes);
            }
            Console.Error.WriteLine();
            Console.WriteLine($"{township} {year}: {petitions} petitions and {disputes} disputes; "
                + string.Join(", ", _tally.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}")));
            Console.WriteLine($"report: export --township {township} --year {year} --format docx   (or GET /api/townships/{township}/reports/{year}?format=md)");
            return 0;
        }

        private async Task PetitionAsync(int index, CancellationToken cancellationToken)
        {
            var channel = Pick(Channels);
            var (category, subject, _) = PetitionTopics[PickIndex(PetitionTopics.Select(t => t.Weight).ToArray())];
            var receivedAt = Day(rng.Next(0, DaysInYear()), 8, 17);
            var collective = channel == "visit" && rng.Next(100) < 5;
            var people = new JsonArray();
            for (var p = 0; p < (collective ? 3 : rng.Next(100) < 88 ? 1 : 2); p++)
            {
                people.Add(new JsonObject { ["name"] = Person(), ["phone"] = Phone() });
            }
            var body = new JsonObject
            {
                ["channel"] = channel,
                ["receivedAt"] = Instant(receivedAt),
                ["subject"] = subject,
                ["summary"] = $"反映{subject}问题，请求协调解决",
                ["category"] = category,
                ["petitioners"] = people,
                ["village"] = Villages[rng.Next(Villages.Length)],
            };
            if (collective)
            {
                body["headcount"] = rng.Next(6, 13);
            }
            var hotline = channel == "hotline12345";
            DateOnly? platformDue = null;
            if (hotline)
            {
                platformDue = DateOnly.FromDateTime(receivedAt.ToOffset(Beijing).Date).AddDays(rng.Next(5, 8));
                body["externalOrderId"] = string.Create(CultureInfo.InvariantCulture, $"GD{year}{index:D5}");
                body["platformDueOn"] = platformDue.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            if (_petitionIds.Count > 10 && rng.Next(100) < 4)
            {
                body["repeatOf"] = _petitionIds[rng.Next(_petitionIds.Count)];
            }
            var (status, json, response) = await client.SendAsync(HttpMethod.Post, $"/api/townships/{township}/petitions", body,
                new Dictionary<string, string> { ["Idempotency-Key"] = $"demo-{township}-{year}-xf-{index}" }, cancellationToken);
            if (status != 201)
            {
                Count("petition refused");
                return;
            }
            var id = json!["id"]!.GetValue<string>();
            _petitionIds.Add(id);
            if (response.Headers.Contains("Idempotent-Replayed"))
            {
                Count("petitions already there");
                return;
            }
            var at = $"/api/townships/{township}/petitions/{id}";
            var last = receivedAt;

            var roll = rng.Next(100);
            if (roll < 6)
            {
                if (Later(ref last, TimeSpan.FromDays(rng.Next(1, 6))))
                {
                    await Step(at + "/decline", new JsonObject { ["at"] = Instant(last), ["reason"] = "属于诉讼程序解决的事项", ["route"] = Pick([("litigation", 6), ("arbitration", 2), ("administrativeReconsideration", 2)]) }, "declined", cancellationToken);
                }
                return;
            }
            // A work order is taken on the day; a few letters wait past the 15-day notice.
            var untilAccepted = hotline ? TimeSpan.Zero : TimeSpan.FromDays(roll < 9 ? rng.Next(16, 21) : rng.Next(0, 8));
            if (!Later(ref last, untilAccepted + TimeSpan.FromHours(rng.Next(1, 6))))
            {
                Count("awaiting acceptance");
                return;
            }
            await Step(at + "/accept", new JsonObject { ["at"] = Instant(last) }, null, cancellationToken);
            if (rng.Next(100) < 95)
            {
                await Step(at + "/assign", new JsonObject { ["leaderId"] = Leaders[PickIndex([3, 3, 2, 3, 2])].Id, ["handlers"] = new JsonArray("officer-" + rng.Next(1, 6)) }, null, cancellationToken);
            }
            if (rng.Next(100) < 2)
            {
                if (Later(ref last, TimeSpan.FromDays(rng.Next(3, 20))))
                {
                    await Step(at + "/withdraw", new JsonObject { ["at"] = Instant(last), ["reason"] = "经协调已自行解决，信访人撤回" }, "withdrawn", cancellationToken);
                }
                return;
            }
            var extended = !hotline && rng.Next(100) < 5;
            if (extended)
            {
                await Step(at + "/extend", new JsonObject { ["days"] = rng.Next(15, 31), ["reason"] = "涉及多个部门，需进一步调查核实", ["approvedBy"] = "王建国" }, "extended", cancellationToken);
            }
            var handling = roll switch
            {
                < 60 => TimeSpan.FromDays(rng.Next(3, 30)),
                < 88 => TimeSpan.FromDays(rng.Next(30, 58)),
                _ => TimeSpan.FromDays(extended ? rng.Next(60, 85) : rng.Next(61, 75)),
            };
            if (hotline)
            {
                handling = TimeSpan.FromDays(rng.Next(100) < 90 ? rng.Next(1, 5) : rng.Next(6, 12));
            }
            // Some matters are still open at the year's report, a few of them past their deadline.
            if (roll >= 94 || !Later(ref last, handling + TimeSpan.FromHours(rng.Next(1, 6))))
            {
                Count("in progress");
                return;
            }
            await Step(at + "/conclude", new JsonObject
            {
                ["at"] = Instant(last),
                ["outcome"] = Pick([("supported", 45), ("partiallySupported", 25), ("explained", 22), ("notSupported", 8)]),
                ["reply"] = "已书面答复信访人",
            }, "concluded", cancellationToken);
            if (rng.Next(100) < 88)
            {
                await Step(at + "/evaluate", new JsonObject { ["rating"] = Pick([("satisfied", 78), ("basicallySatisfied", 16), ("dissatisfied", 6)]) }, "evaluated", cancellationToken);
            }
            if (rng.Next(100) < 4 && Later(ref last, TimeSpan.FromDays(rng.Next(5, 25))))
            {
                await Step(at + "/review", new JsonObject { ["at"] = Instant(last) }, "review requested", cancellationToken);
                if (Later(ref last, TimeSpan.FromDays(rng.Next(10, 28))))
                {
                    await Step(at + "/review/conclude", new JsonObject { ["at"] = Instant(last), ["decision"] = Pick([("upheld", 8), ("changed", 2)]) }, null, cancellationToken);
                    if (rng.Next(100) < 35 && Later(ref last, TimeSpan.FromDays(rng.Next(5, 25))))
                    {
                        await Step(at + "/recheck", new JsonObject { ["at"] = Instant(last) }, "re-check requested", cancellationToken);
                        if (Later(ref last, TimeSpan.FromDays(rng.Next(10, 28))))
                        {
                            await Step(at + "/recheck/conclude", new JsonObject { ["at"] = Instant(last), ["decision"] = "upheld" }, null, cancellationToken);
                        }
                    }
                }
            }
        }

        private async Task DisputeAsync(int index, CancellationToken cancellationToken)
        {
            var (category, subject, _) = DisputeTopics[PickIndex(DisputeTopics.Select(t => t.Weight).ToArray())];
            var reportedAt = Day(rng.Next(0, DaysInYear()), 8, 18);
            var body = new JsonObject
            {
                ["source"] = Pick(Sources),
                ["reportedAt"] = Instant(reportedAt),
                ["category"] = category,
                ["subject"] = subject,
                ["summary"] = $"双方因{subject}发生争执，申请调解",
                ["parties"] = new JsonArray(new JsonObject { ["name"] = Person(), ["phone"] = Phone() }, new JsonObject { ["name"] = Person() }),
                ["village"] = Villages[rng.Next(Villages.Length)],
                ["riskLevel"] = Pick([("low", 70), ("medium", 25), ("high", 5)]),
            };
            var (status, json, response) = await client.SendAsync(HttpMethod.Post, $"/api/townships/{township}/disputes", body,
                new Dictionary<string, string> { ["Idempotency-Key"] = $"demo-{township}-{year}-jf-{index}" }, cancellationToken);
            if (status != 201)
            {
                Count("dispute refused");
                return;
            }
            if (response.Headers.Contains("Idempotent-Replayed"))
            {
                Count("disputes already there");
                return;
            }
            var at = $"/api/townships/{township}/disputes/{json!["id"]!.GetValue<string>()}";
            var last = reportedAt;
            var roll = rng.Next(100);
            if (roll < 3)
            {
                // A party declined mediation: it is not mediated, and the routes are told.
                if (Later(ref last, TimeSpan.FromHours(rng.Next(2, 48))))
                {
                    await Step(at + "/fail", new JsonObject { ["at"] = Instant(last), ["referral"] = "litigation", ["note"] = "一方当事人不同意调解，已告知诉讼途径" }, "dispute failed", cancellationToken);
                }
                return;
            }
            var general = rng.Next(100) < 45;
            if (!Later(ref last, TimeSpan.FromHours(rng.Next(1, 48))))
            {
                Count("dispute awaiting acceptance");
                return;
            }
            await Step(at + "/accept", new JsonObject { ["at"] = Instant(last), ["procedure"] = general ? "general" : "simple" }, null, cancellationToken);
            if (rng.Next(100) < 90)
            {
                await Step(at + "/assign", new JsonObject { ["leaderId"] = Leaders[PickIndex([1, 2, 2, 3, 4])].Id, ["mediators"] = new JsonArray("mediator-" + rng.Next(1, 4)) }, null, cancellationToken);
            }
            if (general && rng.Next(100) < 8)
            {
                await Step(at + "/extend", new JsonObject { ["days"] = 15, ["reason"] = "双方同意延长调解期限", ["approvedBy"] = "双方当事人" }, "dispute extended", cancellationToken);
            }
            var settle = general ? TimeSpan.FromDays(rng.Next(100) < 95 ? rng.Next(7, 29) : rng.Next(31, 40)) : TimeSpan.FromDays(rng.Next(0, 5)) + TimeSpan.FromHours(rng.Next(1, 8));
            if (roll >= 94 || !Later(ref last, settle))
            {
                Count("dispute in mediation");
                return;
            }
            if (roll >= 88)
            {
                await Step(at + "/fail", new JsonObject { ["at"] = Instant(last), ["referral"] = Pick([("litigation", 6), ("arbitration", 3), ("administrative", 1)]), ["note"] = "经多次调解未达成协议" }, "dispute failed", cancellationToken);
                return;
            }
            await Step(at + "/resolve", new JsonObject { ["at"] = Instant(last), ["procedure"] = general ? "general" : "simple", ["agreement"] = general ? "written" : "oral" },
                general ? "resolved (general)" : "resolved (simple)", cancellationToken);
            if (general && rng.Next(100) < 75 && Later(ref last, TimeSpan.FromDays(rng.Next(10, 40))))
            {
                await Step(at + "/followUp", new JsonObject { ["at"] = Instant(last), ["fulfilled"] = Pick([("fulfilled", 90), ("partly", 8), ("not", 2)]) }, "followed up", cancellationToken);
            }
        }

        private async Task Step(string path, JsonObject body, string? tally, CancellationToken cancellationToken)
        {
            var (status, json, _) = await client.SendAsync(HttpMethod.Post, path, body, cancellationToken: cancellationToken);
            if (status == 200)
            {
                if (tally is not null)
                {
                    Count(tally);
                }
                return;
            }
            Count("refused steps");
            await Console.Error.WriteLineAsync($"\n{path}: " + ServiceClient.Reason(status, json));
        }

        private static async Task Expect(Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> call, string what)
        {
            var (status, json, _) = await call;
            if (status is not (200 or 201))
            {
                throw new InvalidOperationException($"{what}: " + ServiceClient.Reason(status, json));
            }
        }

        /// <summary>Moves <paramref name="last"/> on by <paramref name="by"/> unless that would pass the present (with an hour's margin).</summary>
        private bool Later(ref DateTimeOffset last, TimeSpan by)
        {
            var next = last + by;
            if (next > now.AddHours(-1))
            {
                return false;
            }
            last = next;
            return true;
        }

        private int DaysInYear()
        {
            var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, Beijing);
            var end = new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, Beijing);
            var until = end < now.AddDays(-1) ? end : now.AddDays(-1);
            return Math.Max(1, (int)(until - start).TotalDays);
        }

        private DateTimeOffset Day(int day, int fromHour, int toHour)
            => new DateTimeOffset(year, 1, 1, 0, 0, 0, Beijing).AddDays(day).AddHours(rng.Next(fromHour, toHour)).AddMinutes(rng.Next(60));

        private static string Instant(DateTimeOffset at) => at.ToOffset(Beijing).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        private string Person() => Surnames[rng.Next(Surnames.Length)] + Given[rng.Next(Given.Length)];

        private string Phone() => "1" + (char)('3' + rng.Next(7)) + rng.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

        private string Pick((string Value, int Weight)[] options) => options[PickIndex([.. options.Select(o => o.Weight)])].Value;

        private int PickIndex(int[] weights)
        {
            var roll = rng.Next(weights.Sum());
            for (var i = 0; i < weights.Length; i++)
            {
                if (roll < weights[i])
                {
                    return i;
                }
                roll -= weights[i];
            }
            return weights.Length - 1;
        }

        private void Count(string what) => _tally[what] = _tally.GetValueOrDefault(what) + 1;

        private static void Progress(string what, int done, int total)
        {
            if (done % 10 == 0 || done == total)
            {
                Console.Error.Write($"\r{what}: {done}/{total}   ");
            }
        }
    }
}
