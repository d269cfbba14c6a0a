import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AllowRoles, LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { parseOrThrow } from '../validation/zod-body';
import { ClassroomService } from './classroom.service';

const openClassroomSchema = z.object({ students: z.number().int().min(1).max(200) }).strict();
const forkSchema = {
  type: 'object',
  properties: { student: { type: 'integer' }, id: { type: 'string' }, name: { type: 'string' }, tokens: { type: 'object' } },
};
const rosterSchema = { type: 'object', properties: { template: { type: 'string' }, forks: { type: 'array', items: forkSchema } } };

@ApiTags('classroom')
@ApiBearerAuth()
@Controller('labs/:lab/classroom')
@UseGuards(LabAuthGuard)
@AllowRoles('instructor')
export class ClassroomController {
  constructor(@Inject(ClassroomService) private readonly classroom: ClassroomService) {}

  @Post()
  @ApiOperation({ summary: 'Give n students each their own fork of this lab, with its tokens (instructor)' })
  @ApiBody({ schema: z.toJSONSchema(openClassroomSchema) as Record<string, unknown> })
  @ApiResponse({ status: 201, schema: rosterSchema })
  async open(@Req() request: LabRequest, @Body() body: unknown) {
    const { students } = parseOrThrow(openClassroomSchema, body, 'classroom');
    const template = request.labAccess.lab;
    return { template: template.id, forks: await this.classroom.open(template, students) };
  }

  @Get()
  @ApiOperation({ summary: 'The student forks of this lab, with their tokens (instructor)' })
  @ApiResponse({ status: 200, schema: rosterSchema })
  async list(@Req() request: LabRequest) {
    return { template: request.labAccess.lab.id, forks: await this.classroom.list(request.labAccess.lab.id) };
  }

  @Post(':fork/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace a student fork by a new fork of the template as it is now; the old fork is deleted (instructor)' })
  @ApiResponse({ status: 200, schema: { ...forkSchema, properties: { ...forkSchema.properties, replaced: { type: 'string' } } } })
  reset(@Req() request: LabRequest, @Param('fork') fork: string) {
    return this.classroom.reset(request.labAccess.lab, fork);
  }
}
